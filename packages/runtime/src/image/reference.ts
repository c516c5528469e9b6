import { invalidArgument } from "@tsc/core";

/** Docker Hub's registry host, and the host name Docker shows for it. */
export const DOCKER_HUB = "docker.io";

/** An image reference, parsed the way the docker CLI parses it. */
export interface ImageReference {
  /** Registry host (with port), e.g. `docker.io`, `localhost:5000`. */
  domain: string;
  /** Repository path, e.g. `library/busybox`, `team/app`. */
  path: string;
  tag?: string;
  /** `sha256:<hex>` when pinned by digest. */
  digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses `busybox`, `busybox:1.36`, `host:5000/a/b:tag`, `name@sha256:…` and `name:tag@sha256:…`.
 * Names without a registry belong to Docker Hub, and single-component Hub names to `library/`.
 * A bare name gets the `latest` tag. Throws InvalidArgument naming the bad part.
 */
export function parseReference(input: string): ImageReference {
  const bad = (why: string): never => {
    throw invalidArgument(`invalid reference format ${JSON.stringify(input)}: ${why}`, {
      hint: "use NAME[:TAG][@DIGEST], e.g. busybox:latest or registry:5000/team/app:1.0",
    });
  };
  if (input === "" || input !== input.trim()) bad("empty or padded with spaces");
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad(`digest ${JSON.stringify(digest)} is not sha256:<64 hex digits>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) bad(`tag ${JSON.stringify(tag)} is not valid`);
  }
  const parts = rest.split("/");
  let domain = DOCKER_HUB;
  const first = parts[0]!;
  if (
    parts.length > 1 &&
    (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase())
  ) {
    domain = first;
    parts.shift();
  }
  if (domain === "index.docker.io") domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  for (const p of parts)
    if (!PATH_COMPONENT.test(p))
      bad(`repository name component ${JSON.stringify(p)} must be lowercase letters, digits and separators`);
  if (!tag && !digest) tag = "latest";
  return { domain, path: parts.join("/"), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The repository: `docker.io/library/busybox`. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full, canonical form: `docker.io/library/busybox:latest` (digest appended when set). */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** The short form Docker displays: `busybox:latest`, `team/app:1`, `localhost:5000/x:y`. */
export function familiarName(ref: ImageReference): string {
  let name = repositoryName(ref);
  if (ref.domain === DOCKER_HUB)
    name = ref.path.startsWith("library/") ? ref.path.slice("library/".length) : ref.path;
  return `${name}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}
