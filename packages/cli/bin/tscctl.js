#!/usr/bin/env node
// Node warns when TLS is used with an IP address as server name; gRPC over mTLS to 127.0.0.1 is fine.
process.noDeprecation = true;
await import("../dist/bundle/tscctl.js");
