#!/usr/bin/env bash
# The Cairn Jepsen-style suite.
#   jepsen/run.sh test --workload append|set|register|crashfs --nemesis kill,pause --time-limit 60 [--nodes 3]
#   jepsen/run.sh check --workload append store/latest/history.edn    (re-check a saved history; no cluster)
# Exits non-zero unless the result is valid. Results: jepsen/store/<test>/<time>/, index at jepsen/store/index.html.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; top="$(dirname "$here")"
source "$top/bin/find-jdk.sh"
source "$top/bin/maven-build.sh"
export JAVA_HOME="$(cairn_find_jdk)"; export PATH="$JAVA_HOME/bin:$PATH"
cp_file="$here/target/classpath.txt"
if [ ! -f "$cp_file" ] || [ -n "$(find "$top" -name '*.java' -newer "$cp_file" -not -path '*/target/*' | head -n1)" ]; then
  # one reactor build: the server jar for the nodes, and each module's classpath (jepsen's is ours)
  cairn_maven_build -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -pl server,jepsen -am
fi
# Runs happen in jepsen/ (store/ lives there); files named on the command line stay where the caller meant.
args=(); for a in "$@"; do if [ -e "$a" ]; then args+=("$(readlink -f "$a")"); else args+=("$a"); fi; done
cd "$here"
exec java -Xmx1g -cp "$here/src:$(cat "$cp_file")" clojure.main -m cairn.jepsen.cli "${args[@]}" --jar "$top/server/target/cairn.jar"
