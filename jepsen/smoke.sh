#!/usr/bin/env bash
# CI smoke for the Jepsen-style suite: crashfs (SIGKILL crashes on one node, ~45 s of load) and list-append on
# three raft nodes with the leader killed and restarted (~60 s of load). Exits non-zero unless both are valid.
# Results land in jepsen/store/ (index.html); the failing run's history.edn can be re-checked with
#   jepsen/run.sh check --workload W jepsen/store/<test>/<time>/history.edn
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
status=0
"$here/run.sh" test --workload crashfs --time-limit 45 || { echo "smoke: crashfs INVALID or failed" >&2; status=1; }
"$here/run.sh" test --workload append --nemesis kill --interval 10 --time-limit 60 --nodes 3 \
  || { echo "smoke: append/kill INVALID or failed" >&2; status=1; }
exit $status
