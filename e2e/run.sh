#!/usr/bin/env bash
# Real kernel clients against Cairn: e2e/run.sh [smoke|crash] (default smoke).
# Builds the guest once (cached in e2e/cache), then runs the Cairn server and QEMU inside a fresh network
# namespace that has only a loopback interface, so no test traffic can leave this machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; top="$(dirname "$here")"
suite="${1:-smoke}"
[ -f "$here/suites/$suite.sh" ] || { echo "e2e: unknown suite '$suite' (have: $(ls "$here/suites" | sed 's/\.sh$//' | xargs))" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "e2e: needs root (network namespace, debootstrap)" >&2; exit 1; }
"$here/lib/build-guest.sh"
"$top/cairn" version > /dev/null  # builds the jar outside the namespace (Maven may need the network)

ns="cairn-e2e-$$"
work="$(mktemp -d /tmp/cairn-e2e.XXXXXX)"
cleanup() {
  local rc=$?
  [ $rc -ne 0 ] && [ -f "$work/server.log" ] && { echo "e2e: $suite failed (exit $rc); server log tail:"; tail -n 40 "$work/server.log"; } >&2
  if [ -f "$work/cairn.pid" ]; then
    kill -9 "$(cat "$work/cairn.pid")" 2>/dev/null && { wait "$(cat "$work/cairn.pid")"; } 2>/dev/null || true
  fi
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
export CAIRN_E2E_NS="$ns" CAIRN_E2E_WORK="$work" CAIRN_TOP="$top"
source "$here/lib/host.sh"
start=$SECONDS
source "$here/suites/$suite.sh"
echo "e2e: $suite passed in $((SECONDS - start)) s"
