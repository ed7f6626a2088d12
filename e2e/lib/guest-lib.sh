# Guest-side helpers, put in front of the guest scripts of the zfs, postgres and failover suites (host.sh's
# guest_script). Output lines: "PASS what" / "FAIL what"; markers "@@word" are read by the host.
set -u
failed=0
check() { # check WHAT CMD...: runs CMD, prints PASS or FAIL WHAT
  what="$1"; shift
  if "$@"; then echo "PASS $what"; else echo "FAIL $what"; failed=1; fi
}
die() { echo "FAIL $*"; exit 1; }
now_ms() { date +%s%3N; }

# nbd_attach DEVICE EXPORT: connects to 10.0.2.2:10809, retrying for up to 180 s (a leader may be promoting).
# NBD_TIMEOUT=S: requests in flight when the connection dies fail after S s (else the kernel default applies).
nbd_attach() {
  for _ in $(seq 1 360); do
    nbd-client 10.0.2.2 10809 "$1" -N "$2" ${NBD_TIMEOUT:+-timeout "$NBD_TIMEOUT"} > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

# --- PostgreSQL -----------------------------------------------------------------------------------------------
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | tail -n1)"
PGDATA="${PGDATA:-/pg/data}"
as_pg() { runuser -u postgres -- "$@"; }
psql_q() { as_pg "$PGBIN/psql" -X -q -t -A -h /tmp -d cairn -v ON_ERROR_STOP=1 "$@"; }

pg_init() { # a cluster in $PGDATA (its file system mounted on the parent), database "cairn", small memory
  mkdir -p "$PGDATA" && chown postgres: "$PGDATA" && chmod 700 "$PGDATA"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres > /tmp/initdb.log 2>&1 || { cat /tmp/initdb.log; return 1; }
  cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '/tmp'
shared_buffers = 32MB
max_connections = 20
fsync = on
synchronous_commit = on
full_page_writes = on
max_wal_size = 256MB
CONF
  # initdb fsyncs what it wrote, this append is ours: without the fsync a crash can leave the appended bytes as
  # NULs on ext4 (size committed, data block not yet written back), and PostgreSQL then refuses its config.
  sync "$PGDATA/postgresql.conf"
}
pg_start() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l /tmp/pg.log -w -t 900 start > /dev/null || { tail -n 20 /tmp/pg.log; return 1; }; }
pg_kill() { pkill -9 -x postgres 2>/dev/null; for _ in $(seq 1 100); do pgrep -x postgres > /dev/null || return 0; sleep 0.1; done; }

# The ledger: one client session, autocommit INSERTs of increasing ids; "acked ID" is appended to FILE only after
# the INSERT's COMMIT returned. Afterwards every acked id must be in the table, whatever crashed in between.
ledger_create() { psql_q -c "CREATE TABLE ledger (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"; }
ledger_run() { # ledger_run FIRST FILE: inserts FIRST, FIRST+1, ... until the session fails or is killed
  seq "$1" 100000000 | sed 's/.*/INSERT INTO ledger (id) VALUES (&);\n\\echo acked &/' \
    | as_pg "$PGBIN/psql" -X -q -h /tmp -d cairn -v ON_ERROR_STOP=1 >> "$2" 2>> /tmp/ledger.err
}
acked_count() { grep -c '^acked ' "$1" 2>/dev/null || true; }
await_acked() { # await_acked FILE N TIMEOUT_S
  end=$(( $(date +%s) + $3 ))
  while [ "$(acked_count "$1")" -lt "$2" ]; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.5; done
}
ledger_verify() { # ledger_verify FILE: every acked id is in the ledger
  sed -n 's/^acked //p' "$1" > /tmp/acked.ids
  n="$(wc -l < /tmp/acked.ids)"
  psql_q -c "CREATE TEMP TABLE acked (id bigint)" -c "\\copy acked FROM '/tmp/acked.ids'" \
    -c "SELECT count(*) FROM acked a LEFT JOIN ledger l USING (id) WHERE l.id IS NULL" > /tmp/missing 2>&1
  missing="$(tail -n1 /tmp/missing)"
  check "postgres: all $n acknowledged commits are in the ledger (missing: $missing)" test "$n" -gt 0 -a "$missing" = 0
}
pgbench_consistent() { # TPC-B invariant: the sums of accounts, tellers, branches and history deltas agree
  q="SELECT (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT sum(bbalance) FROM pgbench_branches)
        AND (SELECT sum(bbalance) FROM pgbench_branches) = (SELECT sum(tbalance) FROM pgbench_tellers)
        AND (SELECT sum(tbalance) FROM pgbench_tellers) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history)"
  check "postgres: pgbench balances agree (accounts = branches = tellers = history; $(psql_q -c 'SELECT count(*) FROM pgbench_history') transactions)" \
    [ "$(psql_q -c "$q")" = t ]
}
pg_amcheck_clean() {
  as_pg "$PGBIN/pg_amcheck" -h /tmp -d cairn --install-missing --heapallindexed > /tmp/amcheck.log 2>&1
  rc=$?; [ $rc -eq 0 ] || tail -n 10 /tmp/amcheck.log
  check "postgres: pg_amcheck (heap + btree, heapallindexed) clean" [ $rc -eq 0 ]
}
