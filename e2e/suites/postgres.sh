# postgres: PostgreSQL on ZFS (ext4 when the guest has no zfs module) over one Cairn NBD export.
# Boot 1: initdb, pgbench -i, then pgbench (2 clients) and the ledger client (one session, autocommit INSERTs of
# increasing ids, each id recorded only after its COMMIT returned) run together; after 150 acknowledged ids the
# host SIGKILLs Cairn mid-run and restarts it, and the guest dies with its disk (power off).
# Boot 2: PostgreSQL recovers from its WAL; every acknowledged id is in the ledger, the pgbench balances agree,
# pg_amcheck is clean, and a new pgbench run completes.
write_config
start_server
"$CAIRN_TOP/cairn" nbd create -c "$CAIRN_E2E_WORK/cairn.toml" pg 1G > /dev/null

{ cat "$CAIRN_TOP/e2e/lib/guest-pgdisk.sh"; cat <<'GUEST'; } | guest_script pg-run
nbd_attach /dev/nbd0 pg || die "postgres: nbd-client could not attach the export"
pgdisk_create || die "postgres: could not create the file system"
echo "postgres: data directory on $PGFS over NBD"
t0=$(now_ms)
pg_init && pg_start || die "postgres: initdb/start failed"
as_pg "$PGBIN/createdb" -h /tmp cairn && as_pg "$PGBIN/pgbench" -h /tmp -i -s 1 -q cairn > /tmp/pgbench-init.log 2>&1 \
  && ledger_create || { tail /tmp/pgbench-init.log; die "postgres: pgbench -i failed"; }
echo "postgres: initdb + pgbench -i in $(( ($(now_ms) - t0) / 1000 )) s"
as_pg "$PGBIN/pgbench" -h /tmp -n -c 2 -j 1 -T 3600 cairn > /tmp/pgbench.log 2>&1 &
ledger_run 1 /tmp/acked & ledger=$!
await_acked /tmp/acked 150 1200 || { tail -n 5 /tmp/ledger.err /tmp/pg.log; die "postgres: the ledger did not reach 150 commits"; }
echo "@@kill"
# The kill makes every later COMMIT fail (ext4: EIO, PANIC) or block (ZFS: the pool suspends). Wait for either.
# kill -0, not pgrep: reading /proc of a process stuck in I/O on the dead device can block pgrep itself.
end=$(( $(date +%s) + 90 ))
while kill -0 $ledger 2> /dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 1; done
kill -0 $ledger 2> /dev/null && echo "postgres: the ledger session is still blocked 90 s after the kill (on $PGFS)"
echo "postgres: $(acked_count /tmp/acked) ledger commits acknowledged before the crash"
sed 's/^/DATA /' /tmp/acked
exit 0
GUEST
guest_start pg-run 3600
await_guest pg-run @@kill 3600
echo "host: SIGKILL Cairn mid-run, restart it"
kill_server
start_server
guest_finish pg-run

{ echo "cat > /tmp/acked <<'ACKED'"; guest_data pg-run; echo "ACKED"; cat "$CAIRN_TOP/e2e/lib/guest-pgdisk.sh"
  cat <<'GUEST'; } | guest_script pg-verify
nbd_attach /dev/nbd0 pg || die "postgres: nbd-client could not attach the export"
check "postgres: file system back after SIGKILL + restart of Cairn" pgdisk_open
[ $failed -eq 0 ] || exit 1
t0=$(now_ms)
check "postgres: server starts (WAL recovery)" pg_start
[ $failed -eq 0 ] || exit 1
echo "postgres: recovered in $(( ($(now_ms) - t0) / 1000 )) s: $(grep -E 'redo (done|starts)' /tmp/pg.log | sed 's/.*LOG: *//' | tr '\n' ';')"
ledger_verify /tmp/acked
echo "postgres: the ledger holds $(psql_q -c 'SELECT count(*) FROM ledger') rows"
pgbench_consistent
pg_amcheck_clean
as_pg "$PGBIN/pgbench" -h /tmp -n -c 2 -j 1 -T 20 cairn > /tmp/pgbench2.log 2>&1
check "postgres: pgbench runs after recovery ($(sed -n 's/^tps = \([0-9.]*\).*/\1 tps/p' /tmp/pgbench2.log | head -n1))" \
  grep -q '^number of failed transactions: 0' /tmp/pgbench2.log
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop > /dev/null
exit $failed
GUEST
guest_start pg-verify 3600
guest_finish pg-verify
