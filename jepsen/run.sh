#!/usr/bin/env bash
# The Cairn Jepsen-style suite.
#   jepsen/run.sh test --workload append|set|register|crashfs|block|honesty --nemesis kill,pause,partition,s3
#                      --time-limit 60 [--nodes 3] [--protocol nfs|9p] [--bucket file|s3] [--net loopback|netns]
#   jepsen/run.sh check --workload append store/latest/history.edn    (re-check a saved history; no cluster)
# Exits non-zero unless the result is valid. Results: jepsen/store/<test>/<time>/, index at jepsen/store/index.html.
# With --nemesis partition (or --net netns; needs root) every node, the S3 server and this control JVM run in
# their own network namespaces on a private bridge (net/up.sh); the namespaces, their processes and their
# nft rules are removed on exit, however the run ends.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; top="$(dirname "$here")"
source "$top/bin/find-jdk.sh"
source "$top/bin/maven-build.sh"
export JAVA_HOME="$(cairn_find_jdk)"; export PATH="$JAVA_HOME/bin:$PATH"
cp_file="$here/target/classpath.txt"
if [ ! -f "$cp_file" ] || [ -n "$(find "$top" -name '*.java' -newer "$cp_file" -not -path '*/target/*' | head -n1)" ] \
   || [ -n "$(find "$top" -name 'pom.xml' -newer "$cp_file" -not -path '*/target/*' | head -n1)" ]; then
  # one reactor build: the server jar for the nodes, and each module's classpath (jepsen's is ours)
  cairn_maven_build -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -pl server,jepsen -am
fi
# Runs happen in jepsen/ (store/ lives there); files named on the command line stay where the caller meant.
# --net is ours; everything else goes to the Clojure CLI.
net=loopback; nodes=3; args=(); prev=""
for a in "$@"; do
  if [ "$prev" = "--net" ]; then net="$a"; prev=""; continue; fi
  case "$a" in --net) prev="--net"; continue ;; esac
  [ "$prev" = "--nemesis" ] && [[ ",$a," == *,partition,* ]] && net=netns
  [ "$prev" = "--nodes" ] && nodes="$a"
  # the command word stays a word even where a file of that name exists (jepsen/test is a directory)
  if [ ${#args[@]} -gt 0 ] && [ -e "$a" ]; then args+=("$(readlink -f "$a")"); else args+=("$a"); fi
  prev="$a"
done
cd "$here"
cmd=(java -Xmx1g -cp "$here/src:$(cat "$cp_file")" clojure.main -m cairn.jepsen.cli "${args[@]}" --jar "$top/server/target/cairn.jar")
if [ "$net" != netns ]; then exec "${cmd[@]}"; fi
[ "$(id -u)" = 0 ] || { echo "run.sh: network namespaces need root" >&2; exit 2; }
prefix="cj$(printf '%04x' $((RANDOM % 65536)))"
trap '"$here/net/down.sh" "$prefix"' EXIT
trap 'exit 130' INT TERM
"$here/net/up.sh" "$prefix" "$nodes"
# The control JVM lives in PREFIX-ctl: no default route, only the test bridge.
ip netns exec "$prefix-ctl" "${cmd[@]}" --netns "$prefix"
