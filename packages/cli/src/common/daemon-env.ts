/**
 * The environment for a tscd that a CLI starts: the CLI's own, with NODE_EXTRA_CA_CERTS given back.
 * The CLIs' bin scripts start Node without it (it costs start-up time and they never meet a public
 * TLS server) and keep its value in TSC_EXTRA_CA_CERTS; tscd needs it to pull from registries.
 */
export function daemonEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { TSC_EXTRA_CA_CERTS: extra, ...rest } = env;
  return extra ? { ...rest, NODE_EXTRA_CA_CERTS: extra } : rest;
}
