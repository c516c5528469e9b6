#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS TSC_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// The CLIs talk only to tscd (a unix socket, or mTLS with the daemon's own CA). Node parses every
// root certificate at start-up when NODE_EXTRA_CA_CERTS is set (about 80 ms here), so the line above
// moves it aside; a tscd the CLI starts gets it back (see daemonEnv).
// Node warns when TLS is used with an IP address as server name; gRPC over mTLS to 127.0.0.1 is fine.
process.noDeprecation = true;
import { loadBundle } from "./load-bundle.js";

loadBundle("tscctl");
