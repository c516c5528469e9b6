#!/usr/bin/env -S node --max-semi-space-size=2
// A long-running daemon that allocates little at a time: a 2 MiB young generation (V8's default
// grows to 16 MiB) keeps its resident memory about 10-25 MiB lower for a few more, cheap scavenges.
// Node warns when TLS is used with an IP address as server name; gRPC over mTLS to 127.0.0.1 is fine.
process.noDeprecation = true;
await import("../dist/bin/tscd.js");
