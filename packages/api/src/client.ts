import { once } from "node:events";
import * as grpc from "@grpc/grpc-js";
import { TscError } from "@tsc/core";
import type { TscErrorInit } from "@tsc/core";
import type { HostAddress } from "./address.js";
import { formatHost, grpcTarget } from "./address.js";
import { fromServiceError } from "./errors.js";
import type { ServiceName } from "./proto.js";
import { serviceDefinition } from "./service-definitions.js";
import type { TlsFiles } from "./tls.js";
import { readTls } from "./tls.js";

type RawClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

/** An Unavailable that no daemon sent: nothing answers at the client's address (not an error from a daemon). */
export class DaemonUnreachableError extends TscError {
  constructor(message: string, init: TscErrorInit) {
    super("Unavailable", message, init);
  }
}

/**
 * A connection to one tscd. Unary calls return promises whose errors are TscErrors of the daemon's
 * category (see errors.ts); streaming calls return grpc-js streams whose `error` events carry the
 * same after `toTscError`. A daemon that is not there is `Unavailable` with the address quoted.
 */
export class TscClient {
  private readonly clients = new Map<ServiceName, RawClient>();
  private readonly credentials: grpc.ChannelCredentials;

  constructor(
    readonly address: HostAddress,
    tls?: TlsFiles,
  ) {
    if (address.kind === "tcp" && tls) {
      const pem = readTls(tls);
      this.credentials = grpc.credentials.createSsl(pem.ca, pem.key, pem.cert);
    } else this.credentials = grpc.credentials.createInsecure();
  }

  private client(service: ServiceName): RawClient {
    let c = this.clients.get(service);
    if (!c) {
      const Ctor = grpc.makeGenericClientConstructor(serviceDefinition(service), service);
      c = new Ctor(grpcTarget(this.address), this.credentials, {
        "grpc.max_receive_message_length": 64 << 20,
        "grpc.max_send_message_length": 64 << 20,
      }) as unknown as RawClient;
      this.clients.set(service, c);
    }
    return c;
  }

  /** One request, one reply. */
  call<Res, Req = unknown>(service: ServiceName, method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = this.client(service)[method];
      if (!fn) throw new Error(`no method ${service}.${method}`);
      fn.call(this.client(service), request, (err: grpc.ServiceError | null, reply: Res) =>
        err ? reject(this.toTscError(err)) : resolve(reply),
      );
    });
  }

  /** A server stream (logs, events, pull progress …). */
  serverStream<Res, Req = unknown>(
    service: ServiceName,
    method: string,
    request: Req,
  ): grpc.ClientReadableStream<Res> {
    const c = this.client(service);
    return c[method]!.call(c, request) as grpc.ClientReadableStream<Res>;
  }

  /**
   * A client stream (load, import, cp): sends `first`'s fields with the first chunk of `input` (or
   * alone with empty data), then the other chunks, and resolves to the reply. A call that fails
   * mid-upload (no daemon, a bad archive) rejects at once with a TscError instead of being left
   * unheard while the input is read.
   */
  async upload<Res>(
    service: ServiceName,
    method: string,
    input: AsyncIterable<unknown>,
    first: Record<string, unknown> = {},
  ): Promise<Res> {
    const c = this.client(service);
    let stream!: grpc.ClientWritableStream<Record<string, unknown>>;
    let ended = false;
    const reply = new Promise<Res>((resolve, reject) => {
      stream = c[method]!.call(c, (err: grpc.ServiceError | null, r: Res) => {
        ended = true;
        if (err) reject(this.toTscError(err));
        else resolve(r);
      }) as grpc.ClientWritableStream<Record<string, unknown>>;
    });
    reply.catch(() => undefined);
    let sent = false;
    for await (const chunk of input) {
      if (ended) break;
      const ok = stream.write({ ...(sent ? {} : first), data: chunk });
      sent = true;
      if (!ok) await Promise.race([once(stream, "drain"), reply]);
    }
    if (!sent && !ended) stream.write({ ...first, data: Buffer.alloc(0) });
    stream.end();
    return reply;
  }

  /** A bidirectional stream (exec). */
  duplex<Req, Res>(service: ServiceName, method: string): grpc.ClientDuplexStream<Req, Res> {
    const c = this.client(service);
    return c[method]!.call(c) as grpc.ClientDuplexStream<Req, Res>;
  }

  /** Reads a server stream to its end. */
  async collect<Res, Req = unknown>(service: ServiceName, method: string, request: Req): Promise<Res[]> {
    const out: Res[] = [];
    try {
      for await (const m of this.serverStream<Res, Req>(service, method, request)) out.push(m as Res);
    } catch (e) {
      throw this.toTscError(e);
    }
    return out;
  }

  /** A gRPC failure as a TscError; "no daemon there" says which address was tried. */
  toTscError(err: unknown) {
    const e = err as Partial<grpc.ServiceError>;
    if (e.code === grpc.status.UNAVAILABLE && !e.metadata?.get("tsc-error-kind").length)
      return new DaemonUnreachableError(`Cannot connect to the tsc daemon at ${formatHost(this.address)}`, {
        hint: "is tscd running? (start it with `tscd`, or point -H / TSC_HOST at one)",
        cause: err,
      });
    return fromServiceError(err);
  }

  /** Closes every channel. */
  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
