#!/usr/bin/env bash
# Benchmarks (never part of the test run). Usage: bench/run.sh engine [scale] | fs [files dirEntries seqMiB randOps]
#   | diskcache [scale] [getLatencyMs]
#   | memory [seqGiB files memoryGiB childXmx]
#   | failover [--runs N] [--store file|s3proxy]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; top="$(dirname "$here")"
source "$top/bin/find-jdk.sh"; source "$top/bin/maven-build.sh"; export JAVA_HOME="$(cairn_find_jdk)"
what="${1:-engine}"; shift || true
if [ "$what" = failover ]; then build=(-pl server,bench -am); else build=(-pl bench -am); fi
cairn_maven_build -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt "${build[@]}"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
case "$what" in
  engine) exec "$JAVA_HOME/bin/java" -Xmx4g --enable-native-access=ALL-UNNAMED -cp "$cp" cairn.bench.EngineBench "$@" ;;
  diskcache) exec "$JAVA_HOME/bin/java" -Xmx1g -cp "$cp" cairn.bench.DiskCacheBench "$@" ;;
  fs) exec "$JAVA_HOME/bin/java" -Xmx2g --enable-native-access=ALL-UNNAMED -cp "$cp" cairn.bench.fs.FsBench "$@" ;;
  memory) exec "$JAVA_HOME/bin/java" -Xmx256m -cp "$cp" cairn.bench.fs.MemoryBench "$@" ;;
  failover) exec "$JAVA_HOME/bin/java" -Xmx2g -cp "$cp" cairn.bench.failover.FailoverBench \
      --jar "$top/server/target/cairn.jar" "$@" ;;
  *) echo "unknown benchmark $what (engine, diskcache, fs, memory, failover)" >&2; exit 2 ;;
esac
