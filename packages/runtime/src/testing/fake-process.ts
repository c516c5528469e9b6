/**
 * A scripted stand-in for a container process, for the fake runtime: it understands the few
 * commands the conformance suite uses — `echo …` (`>&2` for stderr), `sleep N`, `exit N`, `true`,
 * `false`, `cat` (echoes stdin), `trap 'exit N' SIGNAL` — either as argv or as `sh -c "a; b; c"`.
 * Like PID 1 in a container, it ignores signals it has no trap for, except SIGKILL.
 */
export interface FakeOutput {
  stream: "stdout" | "stderr";
  line: string;
}

/** One running fake process. */
export class FakeProcess {
  private readonly traps = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private finished = false;
  /** Resolves with the exit code. */
  readonly exited: Promise<number>;

  constructor(
    args: string[],
    private readonly out: (o: FakeOutput) => void,
    private readonly stdin = "",
  ) {
    this.exited = this.run(toStatements(args));
  }

  /** Delivers a signal: SIGKILL always ends it (137); others only when trapped. */
  signal(sig: string): void {
    const name = sig.replace(/^SIG/, "").toUpperCase();
    if (this.finished) return;
    if (name === "KILL" || name === "9") this.end(137);
    else if (this.traps.has(name)) this.end(this.traps.get(name)!);
  }

  private exitCode: number | undefined;
  private end(code: number): void {
    this.exitCode = code;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  private async run(statements: string[][]): Promise<number> {
    let status = 0;
    for (const words of statements) {
      if (this.exitCode !== undefined) break;
      const [cmd, ...rest] = words;
      if (cmd === "echo") {
        const toErr = rest[rest.length - 1] === ">&2";
        this.out({ stream: toErr ? "stderr" : "stdout", line: (toErr ? rest.slice(0, -1) : rest).join(" ") });
        status = 0;
      } else if (cmd === "cat") {
        for (const line of this.stdin.split("\n").filter((l, i, a) => l !== "" || i < a.length - 1))
          this.out({ stream: "stdout", line });
      } else if (cmd === "sleep") {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, Number(rest[0] ?? 0) * 1000);
        });
      } else if (cmd === "exit") return this.finish(Number(rest[0] ?? status));
      else if (cmd === "true") status = 0;
      else if (cmd === "false") status = 1;
      else if (cmd === "trap")
        this.traps.set(
          (rest[1] ?? "").replace(/^SIG/, ""),
          Number(/exit (\d+)/.exec(rest[0] ?? "")?.[1] ?? 0),
        );
      else {
        this.out({ stream: "stderr", line: `fake: ${cmd}: command not found` });
        status = 127;
      }
    }
    return this.finish(this.exitCode ?? status);
  }

  private finish(code: number): number {
    this.finished = true;
    return this.exitCode ?? code;
  }
}

/** argv → statements; `sh -c SCRIPT` splits the script on `;` and words (single quotes kept together). */
function toStatements(args: string[]): string[][] {
  if (args[0] === "sh" && args[1] === "-c") {
    return (args[2] ?? "")
      .split(";")
      .map((s) => [...s.trim().matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!))
      .filter((w) => w.length > 0);
  }
  return [args];
}
