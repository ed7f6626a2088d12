# failover: three raft HA nodes on one bucket; the guest reaches the leader through one stable address (the
# leader forwarder, lib/LeaderForwarder.java: 10.0.2.2:10809 -> the node whose /health/leader is 200).
# PostgreSQL on ext4 over NBD runs pgbench and the ledger client; after 150 acknowledged ledger commits the host
# SIGKILLs the leader. The NBD connection drops, the in-flight flush fails (EIO), PostgreSQL stops (PANIC on a
# failed WAL fsync, as it must); the guest's reconnect handling re-attaches NBD through the forwarder (the new
# leader), replays the ext4 journal, restarts PostgreSQL (WAL recovery) and the clients carry on. Afterwards
# every acknowledged commit is in the ledger and the pgbench balances agree; the pause is measured.
# ext4, not ZFS: see e2e/README.md (ZFS 2.1 ignores failed cache flushes, so it cannot ride out a lost write cache).
source "$CAIRN_TOP/e2e/lib/cluster.sh"
write_cluster_config
for i in $NODES; do start_node "$i"; done
# The export is created on whichever node leads (leadership may still move while the cluster settles).
for attempt in $(seq 1 10); do
  first="$(await_leader 900)"
  "$CAIRN_TOP/cairn" nbd create -c "$CAIRN_E2E_WORK/n$first/cairn.toml" pg 1G > /dev/null && break
  [ "$attempt" -lt 10 ] || { echo "e2e: could not create the export"; exit 1; }
done
echo "host: n$first leads; export pg created"
start_forwarder

guest_script failover <<'GUEST'
dev=/dev/nbd0
NBD_TIMEOUT=30
nbd_attach $dev pg || die "failover: nbd-client could not attach the export"
mkfs.ext4 -q -E nodiscard $dev && mkdir -p /pg && mount $dev /pg || die "failover: mkfs/mount failed"
pg_init && pg_start || die "failover: initdb/start failed"
as_pg "$PGBIN/createdb" -h /tmp cairn && as_pg "$PGBIN/pgbench" -h /tmp -i -s 1 -q cairn > /tmp/pgbench-init.log 2>&1 \
  && ledger_create || { tail /tmp/pgbench-init.log; die "failover: pgbench -i failed"; }
as_pg "$PGBIN/pgbench" -h /tmp -n -c 2 -j 1 -T 3600 cairn > /tmp/pgbench.log 2>&1 &
ledger_run 1 /tmp/acked & ledger=$!
await_acked /tmp/acked 150 1200 || { tail -n 5 /tmp/ledger.err /tmp/pg.log; die "failover: the ledger did not reach 150 commits"; }
before=$(acked_count /tmp/acked)
echo "@@kill-leader"
# Reconnect handling: the ledger session ends when PostgreSQL stops on the failed fsync.
end=$(( $(date +%s) + 300 ))  # kill -0, not pgrep (see suites/postgres.sh)
while kill -0 $ledger 2> /dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 1; done
kill -0 $ledger 2> /dev/null && die "failover: the ledger session still runs 300 s after the kill"
t_fail=$(now_ms)
echo "failover: ledger session ended ($(tail -n 1 /tmp/ledger.err)); $(acked_count /tmp/acked) commits acknowledged"
pkill -9 -x pgbench; pg_kill
umount /pg 2> /dev/null || umount -l /pg
nbd-client -d $dev > /dev/null 2>&1
# A lazily unmounted ext4 may still hold nbd0; then the new connection goes to nbd1.
nbd_attach $dev pg || { dev=/dev/nbd1; nbd_attach $dev pg; } || die "failover: could not re-attach NBD"
t_nbd=$(now_ms)
e2fsck -p $dev > /tmp/fsck.log 2>&1; echo "failover: e2fsck -p exit $? ($(tail -n 1 /tmp/fsck.log))"
mount $dev /pg || die "failover: mount after the failover failed"
pg_start || die "failover: PostgreSQL did not recover"
t_pg=$(now_ms)
echo "failover: NBD re-attached $(( t_nbd - t_fail )) ms after the session ended, PostgreSQL up $(( t_pg - t_nbd )) ms later"
next=$(( $(psql_q -c 'SELECT coalesce(max(id), 0) FROM ledger') + 1 ))
as_pg "$PGBIN/pgbench" -h /tmp -n -c 2 -j 1 -T 30 cairn > /tmp/pgbench2.log 2>&1 &
ledger_run $next /tmp/acked &
check "failover: the ledger carries on after the failover" await_acked /tmp/acked $(( $(acked_count /tmp/acked) + 100 )) 900
pkill -x psql; wait
check "failover: pgbench runs on the new leader ($(sed -n 's/^tps = \([0-9.]*\).*/\1 tps/p' /tmp/pgbench2.log | head -n1))" \
  grep -q '^number of failed transactions: 0' /tmp/pgbench2.log
ledger_verify /tmp/acked
pgbench_consistent
pause=$(psql_q -c "SELECT round(extract(epoch FROM max(at - prev))::numeric, 2) FROM (SELECT at, lag(at) OVER (ORDER BY id) AS prev FROM ledger) s")
echo "failover: client-visible pause (longest gap between consecutive ledger commits): $pause s"
echo "DATA pause $pause"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop > /dev/null
exit $failed
GUEST
guest_start failover 5400
await_guest failover @@kill-leader 3600
victim="$(await_leader 60)"
t0=$SECONDS
echo "host: SIGKILL the leader n$victim"
kill_node "$victim"
NODES="$(echo $NODES | tr ' ' '\n' | grep -vx "$victim" | xargs)"
next_leader="$(await_leader 900)"
echo "host: n$next_leader leads $((SECONDS - t0)) s after the kill"
guest_finish failover
grep -E 'connection [0-9]+ ->' "$CAIRN_E2E_WORK/forwarder.log" | sed 's/^/host: /'
