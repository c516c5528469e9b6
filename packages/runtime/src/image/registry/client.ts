import { TscError, unavailable } from "@tsc/core";
import type { Challenge, Credentials } from "./auth.js";
import { basicHeader, parseChallenge } from "./auth.js";

/** How to reach a registry. */
export interface RegistryOptions {
  /** Registries to talk to over plain HTTP (localhost and 127.0.0.0/8 always are). */
  insecureRegistries?: string[];
  credentials?: Credentials;
  signal?: AbortSignal;
}

/**
 * A client for one registry host speaking the OCI distribution API: HTTPS, or HTTP for insecure
 * registries; answers 401 challenges with basic auth or the bearer-token flow Docker Hub uses
 * (token cached per scope).
 */
export class RegistryClient {
  readonly base: string;
  private readonly tokens = new Map<string, string>();
  private basic = false;

  constructor(
    readonly domain: string,
    private readonly opts: RegistryOptions = {},
  ) {
    const host = domain === "docker.io" ? "registry-1.docker.io" : domain;
    const insecure =
      /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(host) ||
      (opts.insecureRegistries ?? []).includes(domain);
    this.base = `${insecure ? "http" : "https"}://${host}`;
  }

  /** A request to `/v2/…`, authenticated as the registry asks. `scope` is e.g. `repository:a/b:pull`. */
  async request(
    method: string,
    pathOrUrl: string,
    init: { scope: string; headers?: Record<string, string>; body?: RequestInit["body"]; expect?: number[] },
  ): Promise<Response> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${this.base}${pathOrUrl}`;
    let res = await this.send(method, url, init);
    if (res.status === 401) {
      const challenge = parseChallenge(res.headers.get("www-authenticate"));
      await res.body?.cancel();
      if (challenge) {
        await this.authenticate(challenge, init.scope);
        res = await this.send(method, url, init);
      }
    }
    if (init.expect && !init.expect.includes(res.status)) throw await this.error(res, method, url);
    return res;
  }

  private async send(
    method: string,
    url: string,
    init: { scope: string; headers?: Record<string, string>; body?: RequestInit["body"] },
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    const token = this.tokens.get(init.scope);
    if (token) headers.authorization = `Bearer ${token}`;
    else if (this.basic && this.opts.credentials) headers.authorization = basicHeader(this.opts.credentials);
    try {
      return await fetch(url, {
        method,
        headers,
        body: init.body ?? null,
        redirect: "follow",
        signal: this.opts.signal,
        ...(init.body && typeof init.body === "object" && "pipe" in init.body ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch (e) {
      if ((e as Error).name === "AbortError") throw e;
      throw unavailable(`cannot reach registry ${this.domain} (${this.base})`, {
        hint: this.base.startsWith("https")
          ? "check the address; for a plain-HTTP registry add it to --insecure-registry"
          : "check that the registry is running",
        cause: e,
      });
    }
  }

  private async authenticate(challenge: Challenge, scope: string): Promise<void> {
    if (challenge.scheme === "basic") {
      if (!this.opts.credentials)
        throw new TscError("PermissionDenied", `registry ${this.domain} requires authentication`, {
          hint: "log in first (tscctl login)",
        });
      this.basic = true;
      return;
    }
    const realm = challenge.params.realm;
    if (!realm)
      throw new TscError("Internal", `registry ${this.domain} sent a bearer challenge without a realm`);
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
    url.searchParams.set("scope", scope);
    const headers: Record<string, string> = this.opts.credentials
      ? { authorization: basicHeader(this.opts.credentials) }
      : {};
    const res = await fetch(url, { headers, signal: this.opts.signal });
    if (!res.ok) throw await this.error(res, "GET", url.toString());
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new TscError("Internal", `the token service of ${this.domain} returned no token`);
    this.tokens.set(scope, token);
  }

  /** A registry error response as a typed error with the registry's own message. */
  async error(res: Response, method: string, url: string): Promise<TscError> {
    let detail = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { errors?: { code: string; message: string }[] };
      if (body.errors?.length)
        detail = body.errors.map((e) => `${e.code.toLowerCase()}: ${e.message}`).join("; ");
    } catch {
      /* no JSON body */
    }
    const kind =
      res.status === 404
        ? "NotFound"
        : res.status === 401 || res.status === 403
          ? "PermissionDenied"
          : "Unavailable";
    return new TscError(kind, `${method} ${new URL(url).pathname} on ${this.domain}: ${detail}`, {
      hint:
        kind === "PermissionDenied" ? "log in with credentials that may access this repository" : undefined,
    });
  }
}
