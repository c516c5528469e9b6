/** @tsc/api: the gRPC API of tscd (proto/tsc/v1), its client, server and the error mapping. */
export { DEFAULT_HOST, formatHost, grpcTarget, parseHost } from "./address.js";
export type { HostAddress } from "./address.js";
export { DaemonUnreachableError, TscClient } from "./client.js";
export { fromServiceError, toServiceError } from "./errors.js";
export type * from "./messages.js";
export { loadServices, PROTO_ROOT, SERVICE_NAMES } from "./proto.js";
export type { ServiceName } from "./proto.js";
export { ApiServer, redactForTrace } from "./server.js";
export type { ServiceImpl, StreamHandler, UnaryHandler } from "./server.js";
export type { TlsFiles } from "./tls.js";
export { readTls } from "./tls.js";
export { parseTimeArg } from "./time.js";
