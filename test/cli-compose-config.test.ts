/**
 * `tsc-compose config` through the real binary, as a user runs it: output formats, listing flags,
 * exit codes, and error messages with file:line:col and no stack trace.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const repo = resolve(import.meta.dirname, "..");
const bin = join(repo, "packages/cli/bin/tsc-compose.js");
const example = join(repo, "examples/hello/compose.yaml");

function tscCompose(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string } = {},
) {
  const r = spawnSync(bin, args, {
    cwd: opts.cwd ?? repo,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...opts.env },
    input: opts.input,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = "";
beforeAll(() => {
  if (!existsSync(join(repo, "packages/cli/dist/bin/tsc-compose.js")))
    throw new Error(
      "packages/cli is not built: run `pnpm build` (scripts/setup does) before the integration tests",
    );
  dir = mkdtempSync(join(tmpdir(), "tsc-cli-config-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tsc-compose config", () => {
  it("prints the example project in canonical YAML", () => {
    const r = tscCompose(["-f", example, "config"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = parse(r.stdout) as Record<string, any>;
    expect(Object.keys(doc)[0]).toBe("name");
    expect(doc.name).toBe("hello");
    expect(Object.keys(doc.services).sort()).toEqual(["probe", "web", "worker"]);
    expect(doc.services.web.ports).toEqual([
      expect.objectContaining({ target: 8080, published: "8080", protocol: "tcp", mode: "ingress" }),
    ]);
    expect(doc.services.probe.depends_on.web).toEqual(
      expect.objectContaining({ condition: "service_healthy", required: true }),
    );
    expect(doc.services.web.deploy.resources.limits.memory).toBe(64 * 1024 * 1024);
    expect(doc.networks.default.name).toBe("hello_default");
    expect(doc.volumes.www.name).toBe("hello_www");
  });

  it("takes interpolation values from the shell over .env", () => {
    const r = tscCompose(["-f", example, "config", "--format", "json"], { env: { WEB_PORT: "9999" } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).services.web.ports[0].published).toBe("9999");
  });

  it("lists services, volumes, networks and images", () => {
    expect(tscCompose(["-f", example, "config", "--services"]).stdout.trim().split("\n").sort()).toEqual([
      "probe",
      "web",
      "worker",
    ]);
    expect(tscCompose(["-f", example, "config", "--volumes"]).stdout).toBe("www\n");
    expect(tscCompose(["-f", example, "config", "--networks"]).stdout).toBe("default\n");
    expect(tscCompose(["-f", example, "config", "--images"]).stdout).toBe("busybox:latest\n");
  });

  it("-q validates without output", () => {
    const r = tscCompose(["-f", example, "config", "-q"]);
    expect(r).toMatchObject({ code: 0, stdout: "" });
  });

  it("finds compose.yaml in a parent directory and names the project after its directory", () => {
    const proj = join(dir, "My_Project");
    const sub = join(proj, "sub");
    spawnSync("mkdir", ["-p", sub]);
    writeFileSync(join(proj, "compose.yaml"), "services:\n  app:\n    image: busybox\n");
    const r = tscCompose(["config", "--format", "json"], { cwd: sub });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe("my_project");
  });

  it("reads the file from stdin with -f -", () => {
    const r = tscCompose(["-f", "-", "-p", "stdin", "config", "--services"], {
      cwd: dir,
      input: "services:\n  one:\n    image: busybox\n",
    });
    expect(r).toMatchObject({ code: 0, stdout: "one\n" });
  });

  it("reports a bad port with file:line:col, exit 1 and no stack trace", () => {
    const file = join(dir, "bad-port.yaml");
    writeFileSync(file, 'services:\n  web:\n    image: busybox\n    ports:\n      - "80:80:80"\n');
    const r = tscCompose(["-f", file, "config"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${file}:5:9`);
    expect(r.stderr).toContain("services.web.ports[0]");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("suggests the nearest key for a misspelt one", () => {
    const file = join(dir, "typo.yaml");
    writeFileSync(file, "services:\n  web:\n    image: busybox\n    enviroment:\n      A: b\n");
    const r = tscCompose(["-f", file, "config"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:4:5`);
    expect(r.stderr).toContain('did you mean "environment"');
  });

  it("says what to do when there is no compose file", () => {
    const empty = mkdtempSync(join(tmpdir(), "tsc-cli-empty-"));
    try {
      const r = tscCompose(["config"], { cwd: empty });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/no configuration file provided/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("prints its version", () => {
    expect(tscCompose(["version"]).stdout).toMatch(/^tsc-compose version v\d+\.\d+\.\d+\n$/);
    expect(tscCompose(["--version"]).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("starts without Node's extra CA certificates, and the same from its code cache", () => {
    // Node warns at start-up when NODE_EXTRA_CA_CERTS names a missing file: the bin's #! line
    // keeps the CLI from loading them (it talks only to tscd).
    const env = { NODE_EXTRA_CA_CERTS: join(dir, "no-such-ca.pem") };
    const first = tscCompose(["version"], { env });
    const again = tscCompose(["version"], { env });
    for (const r of [first, again]) {
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^tsc-compose version v\d+\.\d+\.\d+\n$/);
    }
  });

  it("rejects an unknown flag like commander does, with usage help", () => {
    const r = tscCompose(["config", "--bogus"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});

describe("--env-file", () => {
  it("takes interpolation values from the given file (the flag is tsc-compose's, not Node's)", () => {
    const env = join(dir, "alt.env");
    writeFileSync(env, "WEB_PORT=7777\n");
    const r = tscCompose(["-f", example, "--env-file", env, "config", "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).services.web.ports[0].published).toBe("7777");
    // A missing one is tsc-compose's error (Node exited 9 with "node: FILE: not found" before).
    const missing = tscCompose(["-f", example, "--env-file", join(dir, "none.env"), "config"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `tsc-compose: couldn't find env file: ${join(dir, "none.env")} (check the --env-file path)\n`,
    );
  });
});

describe("a reader that goes away", () => {
  it("ends the command quietly, as docker's does (no EPIPE stack trace)", () => {
    // Output well past a pipe's 64 KiB, so the writes meet the closed pipe.
    const services = Array.from({ length: 3000 }, (_, i) => `  s${i}:\n    image: busybox\n`).join("");
    const file = join(dir, "big.yaml");
    writeFileSync(file, `name: big\nservices:\n${services}`);
    const r = spawnSync(
      "bash",
      ["-c", `"$0" -f "$1" config | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`, bin, file],
      {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root" },
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("0");
  });
});
