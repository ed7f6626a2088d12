#!/usr/bin/env bash
# Benchmarks (never part of the test run). Usage: bench/run.sh engine [scale]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; top="$(dirname "$here")"
source "$top/bin/find-jdk.sh"; export JAVA_HOME="$(cairn_find_jdk)"
what="${1:-engine}"; shift || true
"$top/mvnw" -q -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -pl bench -am
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
case "$what" in
  engine) exec "$JAVA_HOME/bin/java" -Xmx4g --enable-native-access=ALL-UNNAMED -cp "$cp" cairn.bench.EngineBench "$@" ;;
  *) echo "unknown benchmark $what (engine)" >&2; exit 2 ;;
esac
