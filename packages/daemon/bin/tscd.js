#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --optimize-for-size
// A long-running daemon that mostly waits on its children: a 1 MiB young generation (V8's default
// grows to 16 MiB) and V8's size-over-speed heuristics keep its resident memory with 200 containers
// near 90 MiB instead of about 140, with no measurable cost to create+start (bench/engine).
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (V8's compiler and GC workers, libuv's
// pool) an arena of its own and keeps what they free; two arenas hold 8-11 MB less with 200
// containers (77-86 MB against 88-95, measured here).
// Node warns when TLS is used with an IP address as server name; gRPC over mTLS to 127.0.0.1 is fine.
process.noDeprecation = true;
await import("../dist/bin/tscd.js");
