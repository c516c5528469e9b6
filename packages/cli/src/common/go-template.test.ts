import { describe, expect, it } from "vitest";
import { compileTemplate, renderTemplate, TemplateError } from "./go-template.js";

const container = {
  Id: "4f66ad9a0b2e1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d",
  Name: "/web",
  State: { Status: "running", Running: true, Paused: false, ExitCode: 0, Pid: 4242, Health: null },
  Config: {
    Hostname: "4f66ad9a0b2e",
    Env: ["PATH=/usr/bin", "TZ=UTC"],
    Cmd: ["nginx", "-g", "daemon off;"],
    Image: "nginx:1.27",
    Labels: { "com.example": "yes", "com.docker.compose.project": "shop" },
  },
  Mounts: [
    { Type: "bind", Source: "/srv/www", Destination: "/usr/share/nginx/html", RW: false },
    { Type: "volume", Source: "/var/lib/tsc/volumes/logs", Destination: "/var/log/nginx", RW: true },
  ],
  NetworkSettings: {
    IPAddress: "172.17.0.2",
    Ports: {
      "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }],
      "443/tcp": [{ HostIp: "0.0.0.0", HostPort: "8443" }],
    },
    Networks: {
      frontend: { IPAddress: "10.1.0.5", Gateway: "10.1.0.1" },
      backend: { IPAddress: "10.2.0.7", Gateway: "10.2.0.1" },
    },
  },
};

const r = (tpl: string, data: unknown = container): string => renderTemplate(tpl, data);

describe("go templates on a docker inspect object", () => {
  it("evaluates field chains, dot and $", () => {
    expect(r("{{.NetworkSettings.IPAddress}}")).toBe("172.17.0.2");
    expect(r("{{.State.Status}} {{.State.ExitCode}}")).toBe("running 0");
    expect(r("{{$.Name}} {{with .State}}{{.Pid}} {{$.Config.Image}}{{end}}")).toBe("/web 4242 nginx:1.27");
    expect(r("ip={{ .NetworkSettings.IPAddress }}\n")).toBe("ip=172.17.0.2\n");
    expect(r("{{.}}", "plain")).toBe("plain");
  });

  it("finds a Go field by its JSON name, as Docker's structs are tagged (events: .Time is time)", () => {
    const event = {
      status: "die",
      id: "abc",
      Type: "container",
      time: 1796675424,
      timeNano: 1796675424638000000,
    };
    expect(r("{{.Time}} {{.Status}} {{.ID}} {{.Type}}", event)).toBe("1796675424 die abc container");
    expect(r("{{.Nope}}", event)).toBe("<no value>");
  });

  it("encodes json compactly in insertion order", () => {
    expect(r("{{json .Config}}")).toBe(JSON.stringify(container.Config));
    expect(r("{{json .Mounts}}")).toMatch(/^\[\{"Type":"bind","Source":"\/srv\/www"/);
    expect(r("{{json .Nope}}")).toBe("null");
    expect(r("{{.Config.Labels | json}}")).toBe('{"com.example":"yes","com.docker.compose.project":"shop"}');
  });

  it("ranges over arrays, maps (sorted keys) and with variables", () => {
    expect(r("{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}")).toBe(
      "/srv/www:/usr/share/nginx/html /var/lib/tsc/volumes/logs:/var/log/nginx ",
    );
    expect(
      r("{{range $p, $conf := .NetworkSettings.Ports}}{{$p}} -> {{(index $conf 0).HostPort}}{{end}}"),
    ).toBe("443/tcp -> 844380/tcp -> 8080");
    expect(r("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")).toBe("10.2.0.710.1.0.5");
    expect(r("{{range $i, $e := .Config.Cmd}}{{$i}}={{$e}};{{end}}")).toBe("0=nginx;1=-g;2=daemon off;;");
    expect(r("{{range $e := .Config.Env}}[{{$e}}]{{end}}")).toBe("[PATH=/usr/bin][TZ=UTC]");
    expect(r("{{range .Nope}}x{{else}}none{{end}}")).toBe("none");
    expect(
      r(
        '{{range .Config.Cmd}}{{if eq . "-g"}}{{continue}}{{end}}{{if eq . "x"}}{{break}}{{end}}{{.}},{{end}}',
      ),
    ).toBe("nginx,daemon off;,");
  });

  it("supports index, join, split, len, slice and string functions", () => {
    expect(r('{{index .Config.Labels "com.example"}}')).toBe("yes");
    expect(r('{{index .NetworkSettings.Ports "80/tcp" 0 "HostPort"}}')).toBe("8080");
    expect(r('{{join .Config.Cmd " "}}')).toBe("nginx -g daemon off;");
    expect(r('{{range split "a,b,c" ","}}<{{.}}>{{end}}')).toBe("<a><b><c>");
    expect(r("{{len .Mounts}} {{len .Config.Labels}} {{len .Name}}")).toBe("2 2 4");
    expect(r("{{slice .Id 0 12}} {{truncate .Id 12}}")).toBe("4f66ad9a0b2e 4f66ad9a0b2e");
    expect(r('{{upper "abc"}} {{lower "ABC"}} {{title "hello big world"}}')).toBe("ABC abc Hello Big World");
    expect(r('{{pad "x" 1 2}}|')).toBe(" x  |");
  });

  it("handles conditionals, comparisons and boolean logic", () => {
    expect(r("{{if .State.Running}}up{{else}}down{{end}}")).toBe("up");
    expect(r('{{if .State.Paused}}p{{else if eq .State.Status "running"}}r{{else}}?{{end}}')).toBe("r");
    expect(r("{{if and .State.Running (not .State.Paused)}}ok{{end}}")).toBe("ok");
    expect(r("{{or .Nope .Name}} {{and .Name 0}}")).toBe("/web 0");
    expect(
      r('{{if gt .State.Pid 100}}big{{end}}{{if lt "a" "b"}}<{{end}}{{if ne .State.ExitCode 1}}!{{end}}'),
    ).toBe("big<!");
    expect(r("{{if .Config.Labels}}L{{end}}{{if .Nope}}N{{end}}{{if ''}}{{end}}".replace("''", '""'))).toBe(
      "L",
    );
    expect(r("{{with .State.Health}}{{.Status}}{{else}}no health{{end}}")).toBe("no health");
  });

  it("prints values like Go's fmt", () => {
    expect(r("{{.Config.Cmd}}")).toBe("[nginx -g daemon off;]");
    expect(r("{{.NetworkSettings.Networks.backend}}")).toBe("map[Gateway:10.2.0.1 IPAddress:10.2.0.7]");
    expect(r("{{.State.Running}} {{.State.Health}} {{1.5}} {{-3}} {{0x10}}")).toBe("true <nil> 1.5 -3 16");
    expect(r("{{.Nope}} {{.Nope.Deeper}} {{.State.Health.Status}} {{.Config.Labels.missing}}")).toBe(
      "<no value> <no value> <no value> <no value>",
    );
  });

  it("formats with printf, print and println", () => {
    expect(r('{{printf "%s has pid %d (%v) %q 100%%" .Name .State.Pid .State.Running .Config.Image}}')).toBe(
      '/web has pid 4242 (true) "nginx:1.27" 100%',
    );
    expect(r('{{printf "%-6s|%5d|%05d|%.2f" "ab" 42 -42 3.14159}}')).toBe("ab    |   42|-0042|3.14");
    expect(r('{{printf "%d %s" "x"}}')).toBe("%!d(string=x) %!s(MISSING)");
    expect(r('{{print "a" 1 2 "b"}}|{{println "x" 1}}')).toBe("a1 2b|x 1\n");
    expect(r('{{.Name | printf "name=%s"}}')).toBe("name=/web");
  });

  it("supports variables, literals, raw strings and parentheses", () => {
    expect(r("{{$ip := .NetworkSettings.IPAddress}}{{$ip}}/{{$ip}}")).toBe("172.17.0.2/172.17.0.2");
    expect(r("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}")).toBe("2");
    expect(r('{{"a\\tb\\"c\\u00e9"}}|{{`raw\\n`}}|{{print nil}}')).toBe('a\tb"cé|raw\\n|<nil>');
    expect(r("{{(index .Mounts 1).Destination}}")).toBe("/var/log/nginx");
    expect(r('{{len (split (join .Config.Env ",") ",")}}')).toBe("2");
  });

  it("honours trim markers and comments", () => {
    expect(r("a  {{- .State.Status -}}  \n b")).toBe("arunningb");
    expect(r("{{range .Mounts -}}\n  {{.Type}}\n{{- end}}")).toBe("bindvolume");
    expect(r("x {{/* a comment */}} y{{- /* trimmed */ -}} z")).toBe("x  yz");
    expect(r("{{-3}}")).toBe("-3");
  });

  it("compiles once and renders many times", () => {
    const tpl = compileTemplate("{{.Name}}:{{.State.Status}}");
    expect(tpl(container)).toBe("/web:running");
    expect(tpl({ Name: "/db", State: { Status: "exited" } })).toBe("/db:exited");
  });
});

describe("go template errors", () => {
  const parseErr = (tpl: string): string => {
    try {
      compileTemplate(tpl);
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      return (e as Error).message;
    }
    throw new Error(`expected ${tpl} to fail`);
  };

  it("reports parse errors like Go", () => {
    expect(parseErr("{{.Foo}")).toBe('template parsing error: template: :1: unexpected "}" in operand');
    expect(parseErr("{{.Foo")).toBe("template parsing error: template: :1: unclosed action");
    expect(parseErr("a\n{{if .A}}x")).toBe("template parsing error: template: :2: unexpected EOF");
    expect(parseErr("{{end}}")).toMatch(/unexpected \{\{end\}\}/);
    expect(parseErr("{{}}")).toMatch(/missing value for command/);
    expect(parseErr("{{nope .A}}")).toMatch(/function "nope" not defined/);
    expect(parseErr("{{$x}}")).toMatch(/undefined variable "\$x"/);
    expect(parseErr('{{"abc}}')).toMatch(/unterminated quoted string/);
    expect(parseErr("{{(index .A 1}}")).toMatch(/unclosed left paren/);
    expect(parseErr("{{.A)}}")).toMatch(/unexpected right paren/);
    expect(parseErr("{{break}}")).toMatch(/outside \{\{range\}\}/);
    expect(parseErr("{{/* open")).toMatch(/unclosed comment/);
  });

  it("reports execution errors with position and node", () => {
    expect(() => r("{{.Config.Cmd.First}}")).toThrow(
      'template: :1:2: executing "" at <.Config.Cmd.First>: can\'t evaluate field First in type []interface {}',
    );
    expect(() => r("{{index .Mounts 5}}")).toThrow(
      'template: :1:2: executing "" at <index .Mounts 5>: error calling index: index out of range: 5',
    );
    expect(() => r("x\n  {{join .Config.Cmd}}")).toThrow(
      /:2:4: .*wrong number of args for join: want 2 got 1/,
    );
    expect(() => r('{{lt 1 "a"}}')).toThrow(/incompatible types for comparison/);
    expect(() => r("{{.Name 1}}")).toThrow(/can't give argument to non-function \.Name/);
    expect(() => r("{{range .Name}}{{end}}")).toThrow(/range can't iterate over \/web/);
    expect(() => r("{{nil}}")).toThrow(/nil is not a command/);
  });
});
