/** The values of `--progress` (Compose v2's). */
export const PROGRESS_MODES = ["auto", "tty", "plain", "quiet", "json"] as const;

/** How `up`/`down` show progress (`--progress`). */
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** What a progress line is about; `""` for a bare ID (a service's or a layer's, as Compose's pull lines). */
export type ProgressKind = "Network" | "Volume" | "Container" | "Image" | "";

interface Item {
  kind: ProgressKind;
  name: string;
  state: string;
  done: boolean;
  error: boolean;
  warning: boolean;
  started: number;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Compose v2's progress display: on a TTY one live line per network, volume and container with
 * its state and a timer under a `[+] Running n/m` header; otherwise one plain line per state
 * change (` Container p-web-1  Started`, ` web Pulling` for a bare ID); `json` prints one object per
 * change; `quiet` nothing.
 */
export class Progress {
  private readonly items = new Map<string, Item>();
  private readonly mode: Exclude<ProgressMode, "auto">;
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  private frame = 0;

  constructor(
    mode: ProgressMode,
    private readonly title: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.mode = mode === "auto" ? (out.isTTY ? "tty" : "plain") : mode;
    if (this.mode === "tty") this.timer = setInterval(() => this.draw(), 100);
  }

  /** Records a state for an item (`done` marks it finished; `error` failed; `warning` finished with a warning). */
  set(
    kind: ProgressKind,
    name: string,
    state: string,
    opts: { done?: boolean; error?: boolean; warning?: boolean } = {},
  ): void {
    const key = `${kind}/${name}`;
    const cur = this.items.get(key);
    if (cur && cur.state === state && cur.done === !!opts.done) return;
    this.items.set(key, {
      kind,
      name,
      state,
      done: !!opts.done,
      error: !!opts.error,
      warning: !!opts.warning,
      started: cur?.started ?? Date.now(),
    });
    const id = kind ? `${kind} ${name}` : name;
    if (this.mode === "plain") this.out.write(kind ? ` ${id}  ${state}\n` : ` ${id} ${state}\n`);
    else if (this.mode === "json")
      this.out.write(
        `${JSON.stringify({ id, status: state, done: !!opts.done, error: !!opts.error, ...(opts.warning && { warning: true }) })}\n`,
      );
  }

  private draw(): void {
    if (this.mode !== "tty") return;
    const items = [...this.items.values()];
    const done = items.filter((i) => i.done).length;
    const lines = [`[+] ${this.title} ${done}/${items.length}`];
    this.frame = (this.frame + 1) % SPINNER.length;
    for (const i of items) {
      const mark = i.error
        ? "\x1b[31m✘\x1b[0m"
        : i.warning
          ? "\x1b[33m!\x1b[0m"
          : i.done
            ? "\x1b[32m✔\x1b[0m"
            : SPINNER[this.frame];
      const secs = ((Date.now() - i.started) / 1000).toFixed(1);
      const id = i.kind ? `${i.kind} ${i.name.padEnd(28)}` : i.name.padEnd(28);
      lines.push(` ${mark} ${id} ${i.state.padEnd(12)} ${secs}s`);
    }
    let text = this.drawn ? `\x1b[${this.drawn}A` : "";
    text += lines.map((l) => `\x1b[2K${l}`).join("\n") + "\n";
    this.drawn = lines.length;
    this.out.write(text);
  }

  /** Final draw; stops the timer. */
  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.draw();
  }
}
