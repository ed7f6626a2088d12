#!/usr/bin/env bash
# Real kernel clients against Cairn: e2e/run.sh [smoke|crash|posix|zfs|postgres|failover|bench|nbdtls] (default smoke).
# Builds the guest once (cached in e2e/cache), then runs the Cairn server and QEMU inside a fresh network
# namespace that has only a loopback interface, so no test traffic can leave this machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; top="$(dirname "$here")"
suite="${1:-smoke}"
[ -f "$here/suites/$suite.sh" ] || { echo "e2e: unknown suite '$suite' (have: $(ls "$here/suites" | sed 's/\.sh$//' | xargs))" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "e2e: needs root (network namespace, debootstrap)" >&2; exit 1; }
# zfs needs OpenZFS in the guest (built once, long); postgres uses ZFS when the cached guest has it, else ext4.
case "$suite" in zfs) "$here/lib/build-guest.sh" --zfs ;; *) "$here/lib/build-guest.sh" ;; esac
"$top/cairn" version > /dev/null  # builds the jar outside the namespace (Maven may need the network)

ns="cairn-e2e-$$"
work="$(mktemp -d /tmp/cairn-e2e.XXXXXX)"
kill_tree() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$c"; done; kill -9 "$1" 2>/dev/null || true; }
cleanup() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "e2e: $suite failed (exit $rc)" >&2
    local log; for log in "$work"/server.log "$work"/n*/node.log "$work"/forwarder.log; do
      [ -f "$log" ] && { echo "--- tail of ${log#"$work"/}"; tail -n 25 "$log"; } >&2
    done
  fi
  local f; for f in "$work"/*.pid; do [ -f "$f" ] && kill_tree "$(cat "$f")"; done  # servers, nodes, guests
  ip netns del "$ns" 2>/dev/null || true
  if [ -n "${CAIRN_E2E_KEEP:-}" ]; then echo "e2e: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
export CAIRN_E2E_NS="$ns" CAIRN_E2E_WORK="$work" CAIRN_TOP="$top"
source "$here/lib/host.sh"
start=$SECONDS
source "$here/suites/$suite.sh"
echo "e2e: $suite passed in $((SECONDS - start)) s"
