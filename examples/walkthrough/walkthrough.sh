#!/usr/bin/env bash
# The seed books' docker walkthrough with tscctl, step by step. Run as root after scripts/setup.
# It starts a tscd of its own (data root, socket and address pool under a temporary directory)
# and removes everything it made at the end. Each step prints what it does and what came back.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/tsc-walkthrough-XXXXXX)
export TSC_HOST="unix://$work/tscd.sock"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

tscd --data-root "$work/data" --exec-root "$work/run" -H "$TSC_HOST" --default-address-pool 10.230.0.0/16 \
  >"$work/tscd.log" 2>&1 &
tscd_pid=$!
registry_pid=""
cleanup() {
  set +e
  ids=$(tscctl ps -aq --no-trunc)
  [ -n "$ids" ] && tscctl rm -f -v $ids >/dev/null
  tscctl network rm my_network >/dev/null 2>&1
  kill "$tscd_pid" 2>/dev/null; wait "$tscd_pid" 2>/dev/null
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null
  # The daemon leaves its bridges and their iptables rules (as dockerd does); this walkthrough's go.
  for f in "$work"/data/networks/[0-9a-f]*.json; do
    [ -e "$f" ] || continue
    bridge=$(sed -n 's/.*"bridge": "\(.*\)".*/\1/p' "$f")
    ip link delete "$bridge" 2>/dev/null
    for table in filter nat; do
      iptables -w -t "$table" -S | grep -- "tsc:$bridge" | sed 's/^-A /-D /' |
        while read -r rule; do eval iptables -w -t "$table" "$rule"; done
    done
  done
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do tscctl version >/dev/null 2>&1 && break; sleep 0.1; done

# An image to play with: busybox from Debian's busybox-static (no registry needed).
"$repo/scripts/test-image" "$work/busybox.tar" >/dev/null
step tscctl load -i "$work/busybox.tar"

# 1. A daemon container: nc listening on a published port; what we send shows in its logs.
step tscctl run -d -i -p 1234:1234 --name daemon busybox nc -l -p 1234
sleep 0.5
echo "hello daemon" | busybox nc 127.0.0.1 1234 || true
sleep 0.5
step tscctl logs daemon
step tscctl inspect --format '{{.NetworkSettings.IPAddress}}' daemon
step tscctl port daemon

# 2. Restart policies: one ps entry, same ID, restarting; on-failure gives up after 10 tries.
step tscctl run -d --restart=always --name always busybox echo done
step tscctl run -d --restart=on-failure:10 --name failing busybox false
sleep 3
step tscctl ps -a

# 3. Networks: two containers reach each other by name once they share a network.
step tscctl network create my_network
step tscctl run -d --name blog1 busybox sleep 1000
step tscctl run -d --name blog2 --network my_network busybox sleep 1000
step tscctl network connect my_network blog1
step tscctl exec blog1 ping -c1 blog2

# 4. Volumes: a host directory, a named volume, and a data-only container.
mkdir -p "$work/site" && echo "from the host" >"$work/site/index.html"
step tscctl run --rm -v "$work/site:/www" busybox cat /www/index.html
step tscctl volume create shared
step tscctl run --rm -v shared:/data busybox sh -c 'echo kept > /data/f'
step tscctl run --rm -v shared:/data busybox cat /data/f
step tscctl create -v /dbdata --name dbstore busybox true
step tscctl run --rm --volumes-from dbstore busybox sh -c 'echo db > /dbdata/x'
step tscctl run --rm --volumes-from dbstore busybox cat /dbdata/x

# 5. Images: commit a change, tag, push to a local registry, remove, pull back.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/registry"
cat >"$work/registry/config.yml" <<YAML
version: 0.1
storage: {filesystem: {rootdirectory: $work/registry/data}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
registry_pid=$!
sleep 1
step tscctl run --name changed busybox sh -c 'echo committed > /hello.txt'
step tscctl diff changed
step tscctl commit -m "add hello" changed walk/hello:v1
step tscctl tag walk/hello:v1 "127.0.0.1:$port/walk/hello:v1"
step tscctl push "127.0.0.1:$port/walk/hello:v1"
step tscctl rmi "127.0.0.1:$port/walk/hello:v1" walk/hello:v1
step tscctl pull "127.0.0.1:$port/walk/hello:v1"
step tscctl run --rm "127.0.0.1:$port/walk/hello:v1" cat /hello.txt

# 6. Looking inside.
step tscctl top blog1
step tscctl stats --no-stream blog1 blog2
step tscctl events --since 1m --until 0s --filter type=network
step tscctl inspect --format '{{.State.Status}} restarts={{.RestartCount}} exit={{.State.ExitCode}}' failing
