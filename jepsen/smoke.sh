#!/usr/bin/env bash
# CI smoke for the Jepsen-style suite (< 4 min on an idle 2-core machine): crashfs (SIGKILL crashes on one node,
# 30 s of load) and list-append on three raft nodes with the leader killed and, as root, the network
# partitioned (nodes in network namespaces, nft drop rules; 45 s of load). Exits non-zero unless both are valid.
# Results land in jepsen/store/ (index.html); a failing run's history.edn can be re-checked with
#   jepsen/run.sh check --workload W jepsen/store/<test>/<time>/history.edn
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
status=0
nemesis=kill
if [ "$(id -u)" = 0 ] && command -v nft >/dev/null; then nemesis=kill,partition
else echo "smoke: not root or no nft: append runs with kill only (no partitions)" >&2; fi
"$here/run.sh" test --workload crashfs --time-limit 30 || { echo "smoke: crashfs INVALID or failed" >&2; status=1; }
"$here/run.sh" test --workload append --nemesis "$nemesis" --partitions leader,majority --interval 8 --time-limit 45 \
  --nodes 3 || { echo "smoke: append/$nemesis INVALID or failed" >&2; status=1; }
exit $status
