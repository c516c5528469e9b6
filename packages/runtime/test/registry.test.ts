/**
 * Pull and push against Debian's docker-registry on loopback: round trips between fresh stores,
 * htpasswd auth, an interrupted pull that resumes, concurrent pulls sharing the work; plus the
 * bearer-token flow against a small token server.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImageStore, loadArchive, pullImage, pushImage, RegistryClient, MEDIA } from "@tsc/runtime";
import type { PullProgress } from "@tsc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBusyboxImageArchive, tarDirectory } from "./support/busybox.js";
import type { TestRegistry } from "./support/registry.js";
import { startRegistry } from "./support/registry.js";

let work = "";
let registry: TestRegistry;
let source: ImageStore;
let busyboxId = "";

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tsc-registry-test-"));
  registry = await startRegistry();
  source = new ImageStore(join(work, "source"));
  makeBusyboxImageArchive(join(work, "busybox.tar"));
  busyboxId = (await loadArchive(source, join(work, "busybox.tar")))[0]!.id;
});
afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("registry pull and push", () => {
  it("pushes an image and pulls it back into a fresh store as the same image", async () => {
    const ref = `${registry.host}/tsc/busybox:1`;
    await source.tag("busybox", ref);
    const pushed: string[] = [];
    await pushImage(source, ref, { onProgress: (p) => pushed.push(p.status) });
    expect(pushed).toContain("Pushed");
    const again: string[] = [];
    await pushImage(source, ref, { onProgress: (p) => again.push(p.status) });
    expect(again).not.toContain("Pushed");
    expect(again).toContain("Layer already exists");

    const dest = new ImageStore(join(work, "dest"));
    const progress: PullProgress[] = [];
    const id = await pullImage(dest, ref, { onProgress: (p) => progress.push(p) });
    expect(id).toBe(busyboxId);
    expect(progress.some((p) => p.status === "Pull complete")).toBe(true);
    expect((await dest.inspect(ref)).RepoTags).toEqual([`${registry.host}/tsc/busybox:1`]);
    const img = await dest.resolve(ref);
    expect(img.layerDirs).toHaveLength(1);
  });

  it("reports an unknown image with the registry's own words", async () => {
    await expect(
      pullImage(new ImageStore(join(work, "none")), `${registry.host}/tsc/nope:1`),
    ).rejects.toThrowError(/manifest unknown/);
  });

  it("resumes an interrupted layer download with a Range request", async () => {
    // A 24 MiB random layer makes the download long enough to interrupt.
    const layerDir = join(work, "big");
    mkdirSync(layerDir);
    writeFileSync(join(layerDir, "blob.bin"), randomBytes(24 * 1024 * 1024));
    tarDirectory(layerDir, join(work, "big.tar"));
    const big = new ImageStore(join(work, "big-src"));
    const ref = `${registry.host}/tsc/big:1`;
    await big.import(join(work, "big.tar"), { ref });
    // 24 MiB goes up in 8 MiB PATCH chunks.
    const chunks: number[] = [];
    await pushImage(big, ref, { onProgress: (p) => p.chunk && chunks.push(p.chunk) });
    expect(chunks).toEqual([1, 2, 3, 4].slice(0, chunks.length));
    expect(chunks.length).toBeGreaterThanOrEqual(3);

    const dest = new ImageStore(join(work, "big-dest"));
    const abort = new AbortController();
    const first = pullImage(dest, ref, {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.status === "Downloading" && (p.current ?? 0) > 4 * 1024 * 1024) abort.abort();
      },
    });
    await expect(first).rejects.toThrow();
    const progress: PullProgress[] = [];
    const id = await pullImage(dest, ref, { onProgress: (p) => progress.push(p) });
    expect(progress.find((p) => p.resumedFrom)?.resumedFrom).toBeGreaterThan(4 * 1024 * 1024);
    expect(id).toBe((await big.inspect(ref)).Id);
    expect(await dest.blobs.has((await big.inspect(ref)).RootFS.Layers[0]!)).toBe(true);
  });

  it("downloads a blob once for concurrent pulls of the same image", async () => {
    const ref = `${registry.host}/tsc/busybox:1`;
    const dest = new ImageStore(join(work, "concurrent"));
    const downloads: string[] = [];
    const onProgress = (p: PullProgress) => p.status === "Download complete" && downloads.push(p.id);
    const [a, b] = await Promise.all([
      pullImage(dest, ref, { onProgress }),
      pullImage(dest, ref, { onProgress }),
    ]);
    expect(a).toBe(b);
    expect(downloads.length).toBe(new Set(downloads).size);
  });
});

describe("registry auth", () => {
  it("pushes and pulls with htpasswd credentials, and refuses anonymous access", async () => {
    const secured = await startRegistry({ username: "alice", password: "s3cret" });
    try {
      const ref = `${secured.host}/team/busybox:latest`;
      await source.tag("busybox", ref);
      await expect(pushImage(source, ref)).rejects.toThrowError(/requires authentication|unauthorized/);
      const cfg = join(work, "docker-config.json");
      writeFileSync(
        cfg,
        JSON.stringify({
          auths: { [secured.host]: { auth: Buffer.from("alice:s3cret").toString("base64") } },
        }),
      );
      await pushImage(source, ref, { authConfigFile: cfg });
      const dest = new ImageStore(join(work, "auth-dest"));
      await expect(pullImage(dest, ref, { authConfigFile: join(work, "missing.json") })).rejects.toThrowError(
        /requires authentication|unauthorized/,
      );
      expect(await pullImage(dest, ref, { authConfigFile: cfg })).toBe(busyboxId);
    } finally {
      await secured.stop();
    }
  });

  it("follows the bearer-token challenge, sending the credentials to the token service", async () => {
    const seen: { auth?: string; scope?: string } = {};
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/token") {
        seen.auth = req.headers.authorization;
        seen.scope = url.searchParams.get("scope") ?? undefined;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ token: "T0KEN" }));
      } else if (req.headers.authorization !== "Bearer T0KEN") {
        res.statusCode = 401;
        res.setHeader(
          "www-authenticate",
          `Bearer realm="http://127.0.0.1:${(server.address() as { port: number }).port}/token",service="test",scope="repository:a/b:pull"`,
        );
        res.end();
      } else {
        res.setHeader("content-type", MEDIA.ociManifest);
        res.end("{}");
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
      const client = new RegistryClient(host, { credentials: { username: "u", password: "p" } });
      const res = await client.request("GET", "/v2/a/b/manifests/latest", {
        scope: "repository:a/b:pull",
        expect: [200],
      });
      expect(await res.text()).toBe("{}");
      expect(seen).toEqual({
        auth: `Basic ${Buffer.from("u:p").toString("base64")}`,
        scope: "repository:a/b:pull",
      });
    } finally {
      server.close();
    }
  });
});
