export { pullImage } from "./pull.js";
export type { PullOptions, PullProgress } from "./pull.js";
export { pushImage } from "./push.js";
export type { PushOptions, PushProgress } from "./push.js";
export { RegistryClient } from "./client.js";
export type { RegistryOptions } from "./client.js";
export { credentialsFor, dockerConfigPath, parseChallenge } from "./auth.js";
export type { Credentials } from "./auth.js";
