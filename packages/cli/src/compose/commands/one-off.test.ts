import type { Project, ServiceConfig } from "@tsc/compose";
import { describe, expect, it } from "vitest";
import { toServiceSpec } from "../convert/service.js";
import {
  mergeEnv,
  oneOffRequest,
  parseEnvFlags,
  parseLabelFlags,
  pickAddress,
  serviceNetworks,
} from "./one-off.js";

const project: Project = { name: "p", services: {} };
const spec = (svc: ServiceConfig) => toServiceSpec(project, "web", svc).spec;
const web = spec({
  image: "busybox",
  command: ["httpd", "-f"],
  environment: { A: "1", B: "2" },
  ports: [{ mode: "ingress", target: 80, published: "8080", protocol: "tcp" }],
  networks: { default: null, back: { aliases: ["w"] } },
  restart: "always",
});
const slug = "0123456789abcdef".repeat(4);
const networks = [{ name: "p_default", address: "10.1.0.254" }, { name: "p_back" }];

describe("parseEnvFlags", () => {
  it("keeps KEY=VAL, takes a bare KEY from our environment (dropped when unset)", () => {
    process.env.TSC_ONE_OFF_TEST = "from-env";
    expect(parseEnvFlags(["A=1", "B=", "C=x=y", "TSC_ONE_OFF_TEST", "TSC_ONE_OFF_UNSET"])).toEqual([
      "A=1",
      "B=",
      "C=x=y",
      "TSC_ONE_OFF_TEST=from-env",
    ]);
  });

  it("rejects a missing or blank key", () => {
    expect(() => parseEnvFlags(["=x"])).toThrow('invalid environment variable: "=x"');
    expect(() => parseEnvFlags(["A B=1"])).toThrow("invalid environment variable");
  });
});

describe("parseLabelFlags", () => {
  it("takes KEY=VAL and a bare KEY (empty), and rejects a blank key", () => {
    expect(parseLabelFlags(["a=1", "b", "c=x=y"])).toEqual({ a: "1", b: "", c: "x=y" });
    expect(() => parseLabelFlags(["=x"])).toThrow('invalid label: "=x"');
  });
});

describe("mergeEnv", () => {
  it("overrides by key, keeping the rest in order", () => {
    expect(mergeEnv(["A=1", "B=2", "C=3"], ["B=20", "D=4"])).toEqual(["A=1", "C=3", "B=20", "D=4"]);
  });
});

describe("pickAddress", () => {
  it("takes the highest free address, skipping broadcast, gateway and used ones", () => {
    expect(pickAddress("10.1.0.0/24", "10.1.0.1", [])).toBe("10.1.0.254");
    expect(pickAddress("10.1.0.0/24", "10.1.0.254", ["10.1.0.253"])).toBe("10.1.0.252");
    expect(pickAddress("10.1.2.0/30", "10.1.2.1", ["10.1.2.2"])).toBeUndefined();
  });
});

describe("oneOffRequest", () => {
  it("runs the service's configuration as Compose's one-off: name, labels, no ports, no restart", () => {
    const r = oneOffRequest("p", web, { deps: true }, [], { slug, networks });
    expect(r.name).toBe("p-web-run-0123456789ab");
    expect(r.image).toBe("busybox");
    expect(r.cmd).toEqual(["httpd", "-f"]);
    expect(r.env).toEqual(["A=1", "B=2"]);
    expect(r.labels).toMatchObject({
      "com.docker.compose.project": "p",
      "com.docker.compose.service": "web",
      "com.docker.compose.oneoff": "True",
      "com.docker.compose.slug": slug,
    });
    expect(r.ports).toBeUndefined();
    expect(r.restart).toBeUndefined();
    expect(r.autoRemove).toBeUndefined();
    expect(r.networkMode).toBe("p_default");
    expect(r.endpoints).toEqual([{ network: "p_default", ipv4Address: "10.1.0.254" }, { network: "p_back" }]);
  });

  it("applies the command line: command, -e, -w, -u, -v, --name, -l, -d --rm", () => {
    const r = oneOffRequest(
      "p",
      web,
      {
        deps: true,
        env: ["B=3", "C=4"],
        workdir: "/w",
        user: "nobody",
        volume: ["/data:/data:ro", "cache:/cache"],
        name: "mine",
        detach: true,
        rm: true,
        label: ["team=web", "com.docker.compose.project=spoof"],
      },
      ["echo", "hi"],
      { slug, networks },
    );
    expect(r).toMatchObject({
      name: "mine",
      cmd: ["echo", "hi"],
      env: ["A=1", "B=3", "C=4"],
      workingDir: "/w",
      user: "nobody",
      mounts: [{ type: "bind", source: "/data", target: "/data", readOnly: true }],
      volumes: [{ name: "cache", target: "/cache", readOnly: false }],
      autoRemove: true,
    });
    // -l adds labels; Compose's own stay Compose's.
    expect(r.labels).toMatchObject({ team: "web", "com.docker.compose.project": "p" });
  });

  it("publishes the service's ports only with --service-ports, and -p ones", () => {
    const flags = { deps: true, servicePorts: true, publish: ["9000:90/udp"] };
    expect(oneOffRequest("p", web, flags, [], { slug, networks }).ports).toEqual([
      { containerPort: 80, hostPort: 8080, protocol: "tcp" },
      { containerPort: 90, hostPort: 9000, protocol: "udp" },
    ]);
  });

  it("splits --entrypoint into words and drops the configured command unless one is given", () => {
    const r = oneOffRequest("p", web, { deps: true, entrypoint: "sh -c 'echo a b'" }, [], { slug, networks });
    expect(r.entrypoint).toEqual(["sh", "-c", "echo a b"]);
    expect(r.cmd).toBeUndefined();
    const withCmd = oneOffRequest("p", web, { deps: true, entrypoint: "env" }, ["x"], { slug, networks });
    expect(withCmd.cmd).toEqual(["x"]);
  });

  it("rejects bad flags with a one-line error", () => {
    expect(() => oneOffRequest("p", web, { deps: true, publish: ["x:y"] }, [], { slug, networks })).toThrow(
      /invalid publish spec "x:y"/,
    );
    expect(() => oneOffRequest("p", web, { deps: true, volume: ["rel"] }, [], { slug, networks })).toThrow(
      /invalid volume specification/,
    );
  });
});

describe("serviceNetworks", () => {
  it("maps the service's network keys to the stack's names, in the service's order, with its aliases", () => {
    const stackNets = [
      { key: "back", name: "p_back", external: false, internal: false, labels: {} },
      { key: "default", name: "p_default", external: false, internal: false, labels: {} },
    ];
    expect(serviceNetworks(web, stackNets)).toEqual([
      { name: "p_back", aliases: ["web", "w"] },
      { name: "p_default", aliases: ["web"] },
    ]);
  });
});

describe("oneOffRequest's --use-aliases, --pull, --cap-add and --cap-drop", () => {
  const withAliases = [
    { name: "p_back", aliases: ["web", "w"] },
    { name: "p_default", address: "10.1.0.254", aliases: ["web"] },
  ];

  it("gives the one-off the service's aliases only with --use-aliases", () => {
    const plain = oneOffRequest("p", web, { deps: true }, [], { slug, networks: withAliases });
    expect(plain.endpoints).toEqual([
      { network: "p_back" },
      { network: "p_default", ipv4Address: "10.1.0.254" },
    ]);
    const aliased = oneOffRequest("p", web, { deps: true, useAliases: true }, [], {
      slug,
      networks: withAliases,
    });
    expect(aliased.endpoints).toEqual([
      { network: "p_back", aliases: ["web", "w"] },
      { network: "p_default", ipv4Address: "10.1.0.254", aliases: ["web"] },
    ]);
  });

  it("overrides the pull policy and adds capabilities to the service's", () => {
    const svc = spec({ image: "busybox", pull_policy: "never", cap_add: ["NET_ADMIN"] });
    const r = oneOffRequest(
      "p",
      svc,
      { deps: true, pull: "always", capAdd: ["SYS_TIME"], capDrop: ["CHOWN"] },
      [],
      {
        slug,
        networks,
      },
    );
    expect(r).toMatchObject({ pull: "always", capAdd: ["NET_ADMIN", "SYS_TIME"], capDrop: ["CHOWN"] });
    expect(oneOffRequest("p", svc, { deps: true }, [], { slug, networks }).pull).toBe("never");
  });
});
