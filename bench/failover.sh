#!/usr/bin/env bash
# Failover benchmark: 3-node raft cluster on loopback, NBD writer with FLUSH, N SIGKILLs of the leader.
# Usage: bench/failover.sh [--runs N] [--store file|s3proxy] [--latency-ms MS]
# Last line: failover runs=N p50=<ms>ms p99=<ms>ms max=<ms>ms lost=<count>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/run.sh" failover "$@"
