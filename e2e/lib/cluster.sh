# Host side of the failover suite (sourced after host.sh): three raft HA nodes on one file:// bucket inside the
# test namespace, and the leader forwarder on 127.0.0.1:10809 (the guest's one stable address, 10.0.2.2:10809).
# Node i: NBD 1081i, HTTP 947i, raft 700i; its log in $CAIRN_E2E_WORK/ni/node.log. The election timeout is 5 s
# (CAIRN_E2E_ELECTION_MS): with the default 1 s, leadership moved every few seconds on the loaded 2-core machine.
NODES="1 2 3"

write_cluster_config() {
  head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n" > "$CAIRN_E2E_WORK/key"; chmod 600 "$CAIRN_E2E_WORK/key"
  local i
  for i in $NODES; do
    mkdir -p "$CAIRN_E2E_WORK/n$i"
    cat > "$CAIRN_E2E_WORK/n$i/cairn.toml" <<TOML
[storage]
url = "file://$CAIRN_E2E_WORK/data"
key_file = "$CAIRN_E2E_WORK/key"
[cache]
dir = "$CAIRN_E2E_WORK/n$i/cache"
disk_size_gb = 1
memory_size_gb = 0.25
[servers.nbd]
addresses = ["127.0.0.1:1081$i"]
[servers.http]
addresses = ["127.0.0.1:947$i"]
[ha]
node_id = "n$i"
mode = "raft"
raft_address = "127.0.0.1:700$i"
peers = ["n1@127.0.0.1:7001", "n2@127.0.0.1:7002", "n3@127.0.0.1:7003"]
election_timeout_ms = ${CAIRN_E2E_ELECTION_MS:-5000}
TOML
  done
}

start_node() { # start_node I (a simple command, so $! is the JVM)
  CAIRN_JAVA_OPTS="-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1" ip netns exec "$CAIRN_E2E_NS" \
    "$CAIRN_TOP/cairn" run -c "$CAIRN_E2E_WORK/n$1/cairn.toml" >> "$CAIRN_E2E_WORK/n$1/node.log" 2>&1 &
  echo $! > "$CAIRN_E2E_WORK/node$1.pid"
}

kill_node() { # kill_node I: SIGKILL
  local pid; pid="$(cat "$CAIRN_E2E_WORK/node$1.pid")"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
}

leader() { # prints the index of the node whose /health/leader answers 200, if any
  local i
  for i in $NODES; do
    [ "$(in_ns curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:947$i/health/leader")" = 200 ] && { echo "$i"; return 0; }
  done
  return 1
}

await_leader() { # await_leader TIMEOUT_S: prints the leader's index
  local end=$((SECONDS + $1)) l
  until l="$(leader)"; do
    [ $SECONDS -lt $end ] || { echo "e2e: no leader within $1 s" >&2; return 1; }
    sleep 0.2
  done
  echo "$l"
}

start_forwarder() {
  local jdk; jdk="$(source "$CAIRN_TOP/bin/find-jdk.sh" && cairn_find_jdk)"
  ip netns exec "$CAIRN_E2E_NS" "$jdk/bin/java" -Xmx64m "$CAIRN_TOP/e2e/lib/LeaderForwarder.java" 10809 \
    n1=9471:10811 n2=9472:10812 n3=9473:10813 > "$CAIRN_E2E_WORK/forwarder.log" 2>&1 &
  echo $! > "$CAIRN_E2E_WORK/forwarder.pid"
  local end=$((SECONDS + 120))
  until grep -q listening "$CAIRN_E2E_WORK/forwarder.log"; do
    [ $SECONDS -lt $end ] || { echo "e2e: the forwarder did not start"; cat "$CAIRN_E2E_WORK/forwarder.log"; return 1; }
    sleep 0.2
  done
}
