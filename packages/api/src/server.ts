import { chmod, mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { HostAddress } from "./address.js";
import { grpcTarget } from "./address.js";
import { toServiceError } from "./errors.js";
import type { ServiceName } from "./proto.js";
import { loadServices } from "./proto.js";
import type { TlsFiles } from "./tls.js";
import { readTls } from "./tls.js";

/** A unary handler: the request in, the reply out (errors become statuses). */
export type UnaryHandler = (request: never, call: grpc.ServerUnaryCall<unknown, unknown>) => Promise<unknown>;
/** A streaming handler gets the call itself and resolves when its stream is done. */
export type StreamHandler = (call: never) => Promise<unknown>;
/** A service implementation: one handler per rpc name (camel or Pascal case, as in the .proto). */
export type ServiceImpl = Record<string, UnaryHandler | StreamHandler>;

const SECRET_FIELDS = /^(registryAuth|password|token|auth)$/;

/** A request or reply as the trace shows it: secrets replaced, bytes summarised. */
export function redactForTrace(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null, function (key, v: unknown) {
      if (SECRET_FIELDS.test(key) && typeof v === "string" && v !== "") return "<redacted>";
      const raw = (this as Record<string, unknown>)[key];
      if (Buffer.isBuffer(raw)) return `<${raw.length} bytes>`;
      return v;
    }),
  );
}

/**
 * tscd's gRPC server: registers service implementations with the error mapping and (optionally) a
 * trace of every call and reply, and listens on unix sockets (mode 0660, root's) and mTLS TCP.
 */
export class ApiServer {
  readonly server = new grpc.Server({
    "grpc.max_receive_message_length": 64 << 20,
    "grpc.max_send_message_length": 64 << 20,
  });
  private readonly sockets: string[] = [];

  constructor(private readonly trace?: (line: string) => void) {}

  /** Adds a service; every rpc of the .proto must have a handler. */
  addService(name: ServiceName, impl: ServiceImpl): void {
    const def = loadServices()[name].service;
    const wrapped: grpc.UntypedServiceImplementation = {};
    for (const [key, method] of Object.entries(def)) {
      const handler = impl[key] ?? impl[key[0]!.toLowerCase() + key.slice(1)];
      if (!handler) throw new Error(`service ${name} has no handler for ${key}`);
      const label = `${name}.${key}`;
      if (!method.requestStream && !method.responseStream)
        wrapped[key] = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
          const t0 = Date.now();
          this.log(label, "call", call.request);
          (handler as UnaryHandler)(call.request as never, call).then(
            (reply) => {
              this.log(label, "reply", reply, t0);
              cb(null, reply ?? {});
            },
            (err: unknown) => {
              this.log(label, "error", { message: (err as Error)?.message }, t0);
              cb(toServiceError(err));
            },
          );
        };
      else
        wrapped[key] = (
          call: grpc.ServerWritableStream<unknown, unknown>,
          cb?: grpc.sendUnaryData<unknown>,
        ) => {
          const t0 = Date.now();
          this.log(label, "call", method.requestStream ? "<stream>" : call.request);
          (handler as StreamHandler)(call as never).then(
            (reply) => {
              this.log(label, "end", method.responseStream ? "<stream>" : reply, t0);
              if (cb) cb(null, reply ?? {});
              else if (method.responseStream && !call.writableEnded) call.end();
            },
            (err: unknown) => {
              this.log(label, "error", { message: (err as Error)?.message }, t0);
              if (cb) cb(toServiceError(err));
              else if (!call.destroyed) call.emit("error", toServiceError(err));
            },
          );
        };
    }
    this.server.addService(def, wrapped);
  }

  /** Listens on one address: a unix socket (created 0660; stale socket replaced) or mTLS TCP. */
  async listen(addr: HostAddress, tls?: TlsFiles): Promise<number> {
    let creds: grpc.ServerCredentials;
    if (addr.kind === "unix") {
      await mkdir(dirname(addr.path), { recursive: true, mode: 0o750 });
      await rm(addr.path, { force: true });
      creds = grpc.ServerCredentials.createInsecure();
    } else {
      if (!tls) throw new Error("TCP needs --tlscacert, --tlscert and --tlskey (mutual TLS)");
      const pem = readTls(tls);
      creds = grpc.ServerCredentials.createSsl(
        pem.ca,
        [{ cert_chain: pem.cert, private_key: pem.key }],
        true,
      );
    }
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(grpcTarget(addr), creds, (err, p) => (err ? reject(err) : resolve(p))),
    );
    if (addr.kind === "unix") {
      await chmod(addr.path, 0o660);
      this.sockets.push(addr.path);
    }
    return port;
  }

  /** Stops accepting calls, ends the open ones after `graceMs`, and removes the sockets. */
  async close(graceMs = 2000): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    for (const s of this.sockets) await rm(s, { force: true });
  }

  private log(method: string, phase: string, body: unknown, t0?: number): void {
    if (!this.trace) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), method, phase };
    if (t0 !== undefined) entry.ms = Date.now() - t0;
    entry.body = redactForTrace(body);
    this.trace(JSON.stringify(entry));
  }
}
