// Human-readable formatting as the Docker CLI prints it (docker/go-units, docker/cli formatter, moby state).
import { invalidArgument } from "@tsc/core";

const DECIMAL_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
const BINARY_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
const BINARY_MULTIPLIERS = new Map(Array.from("kmgtp", (c, i): [string, number] => [c, 1024 ** (i + 1)]));
/** Milliseconds of Go's zero time.Time (0001-01-01T00:00:00Z); the API reports unset timestamps as it. */
const GO_ZERO_TIME_MS = -62135596800000;

/** go-units HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks", "5 months", … */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** "<humanDuration> ago" for an ISO timestamp, as docker's CREATED column. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  return `${humanDuration(now - Date.parse(iso))} ago`;
}

/** Go's `time.Unix(s, 0).Format(time.RFC3339)`: whole seconds in the local zone, `Z` for UTC. */
export function rfc3339Local(iso: string): string {
  const d = new Date(Date.parse(iso));
  if (Number.isNaN(d.getTime())) return "";
  const off = -d.getTimezoneOffset();
  const two = (n: number) => String(n).padStart(2, "0");
  const zone =
    off === 0
      ? "Z"
      : `${off > 0 ? "+" : "-"}${two(Math.trunc(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)}`;
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}` +
    `T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}${zone}`
  );
}

/** The container state fields `containerStatusText` reads. */
export interface ContainerStatusInput {
  status: "created" | "running" | "paused" | "restarting" | "exited" | "dead";
  startedAt?: string;
  finishedAt?: string;
  exitCode: number;
  health?: "starting" | "healthy" | "unhealthy";
}

/** Epoch ms of a timestamp, or undefined when it is missing, unparseable or Go's zero time. */
function timeOf(iso: string | undefined): number | undefined {
  if (iso === undefined || iso === "") return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) || t <= GO_ZERO_TIME_MS ? undefined : t;
}

/** The STATUS column of `docker ps` (moby's State.String): "Up 2 minutes (healthy)", "Exited (0) 5 minutes ago", … */
export function containerStatusText(s: ContainerStatusInput, now: number = Date.now()): string {
  const started = timeOf(s.startedAt);
  const finished = timeOf(s.finishedAt);
  const since = (t: number | undefined): string => humanDuration(now - (t ?? GO_ZERO_TIME_MS));
  if (s.status === "running" || s.status === "paused" || s.status === "restarting") {
    if (s.status === "paused") return `Up ${since(started)} (Paused)`;
    if (s.status === "restarting") return `Restarting (${s.exitCode}) ${since(finished)} ago`;
    if (s.health !== undefined) {
      return `Up ${since(started)} (${s.health === "starting" ? "health: starting" : s.health})`;
    }
    return `Up ${since(started)}`;
  }
  if (s.status === "dead") return "Dead";
  if (started === undefined) return "Created";
  if (finished === undefined) return "";
  return `Exited (${s.exitCode}) ${since(finished)} ago`;
}

/** Go's `%.<prec>g` (strconv 'g' formatting: round half to even, trailing zeros dropped, e+NN exponents). */
function formatG(value: number, prec: number): string {
  if (value === 0) return "0";
  const sign = value < 0 ? "-" : "";
  const [mantissa = "0", expText = "0"] = Math.abs(value).toExponential(99).split("e");
  const exact = mantissa.replace(".", "");
  let exp = Number(expText);
  let head = Number(exact.slice(0, prec));
  const next = exact[prec] ?? "0";
  const restNonZero = /[1-9]/.test(exact.slice(prec + 1));
  if (next > "5" || (next === "5" && (restNonZero || head % 2 === 1))) head += 1;
  let digits = String(head);
  if (digits.length > prec) {
    digits = digits.slice(0, prec);
    exp += 1;
  }
  const trim = (s: string): string => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= prec) {
    const m = trim(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const padded = exp < 0 ? "0".repeat(-exp) + digits : digits;
  const intLen = exp < 0 ? 1 : exp + 1;
  const fixed = padded.length > intLen ? `${padded.slice(0, intLen)}.${padded.slice(intLen)}` : padded;
  return sign + trim(fixed);
}

/** go-units getSizeAndUnit + a `%.<prec>g%s` format. */
function customSize(size: number, base: number, units: string[], prec: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return `${formatG(size, prec)}${units[i]}`;
}

/** go-units HumanSizeWithPrecision(size, 3), decimal units: "999B", "1.23kB", "7.05MB", "1.2GB". */
export function humanSize(bytes: number): string {
  return customSize(bytes, 1000, DECIMAL_UNITS, 3);
}

/** go-units BytesSize, binary units with 4 significant digits: "512KiB", "1.5MiB". */
export function bytesSize(bytes: number): string {
  return customSize(bytes, 1024, BINARY_UNITS, 4);
}

/** go-units RAMInBytes ("512m", "1g", "100k", "1.5GiB", "1024"); bad input is an InvalidArgument error. */
export function parseBytes(text: string): number {
  const fail = (): never => {
    throw invalidArgument(`invalid size: '${text}'`);
  };
  const sep = text.search(/[0-9. ](?=[^0-9. ]*$)/); // Go: strings.LastIndexAny(text, "0123456789. ")
  if (sep === -1) return fail();
  const num = text.charAt(sep) === " " ? text.slice(0, sep) : text.slice(0, sep + 1);
  const suffix = text.slice(sep + 1).toLowerCase();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(num)) return fail();
  let size = Number(num);
  if (size < 0) return fail();
  if (suffix === "" || suffix === "b") return Math.trunc(size);
  const multiplier = BINARY_MULTIPLIERS.get(suffix.charAt(0));
  if (multiplier === undefined || suffix.length > 3) return fail();
  if ((suffix.length === 2 && suffix[1] !== "b") || (suffix.length === 3 && suffix.slice(1) !== "ib")) {
    return fail();
  }
  size *= multiplier;
  return Math.trunc(size);
}

/** docker's stringid.TruncateID: drop an algorithm prefix like "sha256:" and keep 12 characters. */
export function shortId(id: string): string {
  const colon = id.indexOf(":");
  return (colon >= 0 ? id.slice(colon + 1) : id).slice(0, 12);
}

/** A container port as the Engine API lists it. */
export interface PortBinding {
  ip?: string;
  privatePort: number;
  publicPort?: number;
  type: "tcp" | "udp";
}

/** Go's net.JoinHostPort: brackets around IPv6 hosts. */
function joinHostPort(host: string, port: string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The PORTS column of `docker ps` (docker/cli DisplayablePorts): "0.0.0.0:8000-8001->8000-8001/tcp, 443/tcp". */
export function formatPorts(ports: PortBinding[]): string {
  const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...ports].sort(
    (a, b) =>
      a.privatePort - b.privatePort ||
      cmp(a.ip ?? "", b.ip ?? "") ||
      (a.publicPort ?? 0) - (b.publicPort ?? 0) ||
      cmp(a.type, b.type),
  );
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  const formGroup = (key: string, g: { first: number; last: number }): string => {
    const slash = key.lastIndexOf("/");
    const [ip, type] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : ["", key];
    const range = g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`;
    return `${ip === "" ? range : `${joinHostPort(ip, range)}->${range}`}/${type}`;
  };
  for (const port of sorted) {
    const ip = port.ip ?? "";
    const current = port.privatePort;
    let key: string = port.type;
    if (ip !== "") {
      if ((port.publicPort ?? 0) !== current) {
        hostMappings.push(`${joinHostPort(ip, String(port.publicPort ?? 0))}->${current}/${port.type}`);
        continue;
      }
      key = `${ip}/${port.type}`;
    }
    const group = groups.get(key);
    if (group !== undefined && current === group.last + 1) {
      group.last = current;
      continue;
    }
    if (group !== undefined) result.push(formGroup(key, group));
    groups.set(key, { first: current, last: current });
  }
  for (const [key, group] of groups) result.push(formGroup(key, group));
  return [...result, ...hostMappings].join(", ");
}

/** docker's formatter.Ellipsis: cut to `n` characters, the last one being "…" (n = 1: first character only). */
export function truncate(s: string, n: number): string {
  if (n <= 0) return "";
  const chars = Array.from(s);
  if (n === 1) return chars[0] ?? "";
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join("")}…`;
}

/** Go's strconv.Quote for the characters a command line can hold. */
function goQuote(s: string): string {
  const named: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r" };
  Object.assign(named, { "\t": "\\t", "\v": "\\v", '"': '\\"', "\\": "\\\\" });
  const body = s.replace(/[\x00-\x1f"\\\x7f\x80-\x9f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    if (named[c] !== undefined) return named[c];
    return code < 0x80
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
  return `"${body}"`;
}

/** The COMMAND column of `docker ps`: the joined command, cut to 20 characters unless noTrunc, Go-quoted. */
export function quoteCommand(args: string[], noTrunc: boolean): string {
  const command = args.join(" ");
  return goQuote(noTrunc ? command : truncate(command, 20));
}
