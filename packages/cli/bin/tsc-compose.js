#!/bin/sh
':' //; exec env -u NODE_EXTRA_CA_CERTS TSC_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" TSC_BIN_ARGS=after-dashdash node "$0" -- "$@"
// The line above is sh's (for JavaScript, a string and a comment). It runs Node with:
// - `--` before our arguments: Node 20 reads `--env-file` anywhere in its argv as its own option
//   (loading the file, or exiting 9 when it is missing), which broke `run --env-file`; loadBundle
//   drops the `--` again;
// - NODE_EXTRA_CA_CERTS moved aside: the CLIs talk only to tscd (a unix socket, or mTLS with the
//   daemon's own CA), and Node parses every root certificate at start-up when it is set (about
//   80 ms here); a tscd the CLI starts gets it back (see daemonEnv).
// Node warns when TLS is used with an IP address as server name; gRPC over mTLS to 127.0.0.1 is fine.
process.noDeprecation = true;
import { loadBundle } from "./load-bundle.js";

loadBundle("tsc-compose");
