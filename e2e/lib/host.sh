# Host-side helpers for e2e suites (sourced by run.sh): start/kill the server in the namespace, boot guests.
in_ns() { ip netns exec "$CAIRN_E2E_NS" "$@"; }

write_config() { # writes $CAIRN_E2E_WORK/cairn.toml for a data dir under the work dir
  cat > "$CAIRN_E2E_WORK/cairn.toml" <<TOML
[storage]
url = "file://$CAIRN_E2E_WORK/data"
key_file = "$CAIRN_E2E_WORK/key"
[cache]
dir = "$CAIRN_E2E_WORK/cache"
[servers.nfs]
addresses = ["127.0.0.1:2049"]
[servers.ninep]
addresses = ["127.0.0.1:5564"]
[servers.nbd]
addresses = ["127.0.0.1:10809"]
[servers.http]
addresses = ["127.0.0.1:9464"]
TOML
  head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n" > "$CAIRN_E2E_WORK/key"; chmod 600 "$CAIRN_E2E_WORK/key"
}

start_server() {
  # A simple command, not the in_ns function: $! is then the server itself (ip netns exec and ./cairn both
  # exec), so kill_server's SIGKILL reaches the JVM instead of a subshell.
  ip netns exec "$CAIRN_E2E_NS" "$CAIRN_TOP/cairn" run -c "$CAIRN_E2E_WORK/cairn.toml" >> "$CAIRN_E2E_WORK/server.log" 2>&1 &
  echo $! > "$CAIRN_E2E_WORK/cairn.pid"
  for _ in $(seq 1 300); do
    in_ns bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 && printf "GET /health/ready HTTP/1.0\r\n\r\n" >&3 && head -n1 <&3' 2>/dev/null | grep -q 200 && return 0
    kill -0 "$(cat "$CAIRN_E2E_WORK/cairn.pid")" 2>/dev/null || { echo "e2e: server died:"; tail -n 30 "$CAIRN_E2E_WORK/server.log"; return 1; }
    sleep 0.2
  done
  echo "e2e: server not ready after 60 s"; tail -n 30 "$CAIRN_E2E_WORK/server.log"; return 1
}

kill_server() { # SIGKILL: loses only what no barrier covered
  local pid; pid="$(cat "$CAIRN_E2E_WORK/cairn.pid")"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
}

guest() { # guest SCRIPT_FILE [timeout]: boots the guest in the namespace and runs the script
  in_ns "$CAIRN_TOP/e2e/lib/boot.sh" "$@"
}

guest_script() { # guest_script NAME < BODY: writes lib/guest-lib.sh + BODY to $CAIRN_E2E_WORK/NAME.sh
  { cat "$CAIRN_TOP/e2e/lib/guest-lib.sh"; cat; } > "$CAIRN_E2E_WORK/$1.sh"
}

guest_start() { # guest_start NAME [timeout]: boots with NAME.sh in the background; output streams to NAME.out
  in_ns env CAIRN_E2E_GUEST_OUT="$CAIRN_E2E_WORK/$1.out" "$CAIRN_TOP/e2e/lib/boot.sh" "$CAIRN_E2E_WORK/$1.sh" \
    "${2:-1800}" > "$CAIRN_E2E_WORK/$1.log" 2>&1 &
  echo $! > "$CAIRN_E2E_WORK/$1.pid"
}

await_guest() { # await_guest NAME MARKER TIMEOUT_S: waits until the guest printed the line MARKER
  local end=$((SECONDS + $3)) pid; pid="$(cat "$CAIRN_E2E_WORK/$1.pid")"
  until tr -d '\r' 2>/dev/null < "$CAIRN_E2E_WORK/$1.out" | grep -qx -- "$2"; do
    kill -0 "$pid" 2>/dev/null || { echo "e2e: the guest ended before printing $2"; return 1; }
    [ $SECONDS -lt $end ] || { echo "e2e: no $2 from the guest within $3 s"; return 1; }
    sleep 0.5
  done
}

guest_finish() { # guest_finish NAME: waits for the guest, prints its output (but DATA lines), returns its status
  local rc=0; wait "$(cat "$CAIRN_E2E_WORK/$1.pid")" || rc=$?
  grep -v '^DATA ' "$CAIRN_E2E_WORK/$1.log" || true
  return $rc
}

guest_data() { # guest_data NAME: the guest's "DATA ..." lines, without the prefix
  tr -d '\r' < "$CAIRN_E2E_WORK/$1.out" | sed -n 's/^DATA //p'  # the serial line ends lines with \r\n
}
