#!/usr/bin/env bash
# Removes a test network made by up.sh: SIGKILLs the processes left inside its namespaces (all started by
# the run), then deletes the namespaces (their veths, bridge and nft tables go with them). Idempotent.
#   jepsen/net/down.sh PREFIX
set -uo pipefail
p="$1"
[[ "$p" =~ ^[a-z0-9]{2,10}$ ]] || { echo "down.sh: prefix must be 2-10 of a-z0-9" >&2; exit 2; }
for ns in $(ip netns list | awk '{print $1}' | grep -E "^$p-(hub|ctl|s3|n[0-9]+)$"); do
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -CONT "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; done
done
for ns in $(ip netns list | awk '{print $1}' | grep -E "^$p-(hub|ctl|s3|n[0-9]+)$"); do
  ip netns delete "$ns" 2>/dev/null || true
done
