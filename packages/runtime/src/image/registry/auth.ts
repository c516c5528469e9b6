import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** A user name and password (or token) for a registry. */
export interface Credentials {
  username: string;
  password: string;
}

/** A parsed `WWW-Authenticate` challenge. */
export interface Challenge {
  scheme: "basic" | "bearer";
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://auth",service="registry",scope="repository:a:pull"` (or Basic). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== "basic" && scheme !== "bearer") return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)="([^"]*)"|(\w+)=([^,\s]*)/g))
    params[(p[1] ?? p[3])!] = (p[2] ?? p[4])!;
  return { scheme, params };
}

/** The `auths` key a docker-style config uses for a registry host. */
function authKeys(domain: string): string[] {
  if (domain === "docker.io")
    return ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"];
  return [domain, `https://${domain}`, `http://${domain}`];
}

/** The docker-style config file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), ".docker"), "config.json");
}

/** Credentials for `domain` from a docker-style config.json (`auths.<host>.auth` = base64 user:password). */
export async function credentialsFor(
  domain: string,
  configFile = dockerConfigPath(),
): Promise<Credentials | undefined> {
  let cfg: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    cfg = JSON.parse(await readFile(configFile, "utf8")) as typeof cfg;
  } catch {
    return undefined;
  }
  for (const key of authKeys(domain)) {
    const entry = cfg.auths?.[key];
    if (!entry) continue;
    if (entry.auth) {
      const text = Buffer.from(entry.auth, "base64").toString("utf8");
      const i = text.indexOf(":");
      if (i > 0) return { username: text.slice(0, i), password: text.slice(i + 1) };
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** `Basic …` for credentials. */
export function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}
