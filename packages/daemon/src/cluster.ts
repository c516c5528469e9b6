import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EmbeddedEtcd, EtcdStore } from "@tsc/store";

/** Where the daemon's store lives: given endpoints, or a local etcd it started (or adopted). */
export interface ClusterStore {
  store: EtcdStore;
  /** Stops the local etcd, if this daemon owns one. */
  stop(): Promise<void>;
}

interface EtcdFile {
  pid: number;
  endpoint: string;
  clientPort: number;
  peerPort: number;
}

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("etcd");
  } catch {
    return false;
  }
}

/**
 * Connects to etcd: `--etcd-endpoints` when given; otherwise the embedded default, a
 * single-member etcd under `<dataRoot>/etcd` on loopback, supervised by this daemon. An etcd left
 * running by a daemon that was killed is adopted rather than started twice (its data directory is
 * locked); a clean daemon stop stops it.
 */
export async function openClusterStore(opts: {
  dataRoot: string;
  endpoints?: string[];
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  log: (line: string) => void;
}): Promise<ClusterStore> {
  if (opts.endpoints?.length) {
    const store = EtcdStore.connect({ endpoints: opts.endpoints, ...(opts.tls ? { tls: opts.tls } : {}) });
    return { store, stop: async () => store.close() };
  }
  const dir = join(opts.dataRoot, "etcd");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, "tscd-etcd.json");
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as EtcdFile) : undefined;
  if (previous && alive(previous.pid)) {
    opts.log(`adopting the local etcd left running (pid ${previous.pid}, ${previous.endpoint})`);
    const store = EtcdStore.connect({ endpoints: [previous.endpoint] });
    return {
      store,
      stop: async () => {
        store.close();
        try {
          process.kill(previous.pid, "SIGTERM");
        } catch {
          /* already gone */
        }
      },
    };
  }
  const etcd = await EmbeddedEtcd.start({
    dataDir: join(dir, "data"),
    ...(previous ? { clientPort: previous.clientPort, peerPort: previous.peerPort } : {}),
    // etcd is chatty at info level: keep its warnings, errors and criticals.
    log: (l) => {
      if (/ [EWC] \| /.test(l)) opts.log(`etcd: ${l}`);
    },
  });
  const { port: clientPort } = new URL(etcd.endpoint);
  const record: EtcdFile = {
    pid: etcd.pid ?? 0,
    endpoint: etcd.endpoint,
    clientPort: Number(clientPort),
    peerPort: previous?.peerPort ?? 0,
  };
  await writeFile(file, JSON.stringify(record));
  etcd.on("restarted", () => void writeFile(file, JSON.stringify({ ...record, pid: etcd.pid ?? 0 })));
  const store = EtcdStore.connect({ endpoints: [etcd.endpoint] });
  return {
    store,
    stop: async () => {
      store.close();
      await etcd.stop();
    },
  };
}
