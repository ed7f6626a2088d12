# zfs: an OpenZFS mirror over two Cairn NBD exports.
# Boot 1: write a tree of fsynced files and one large file, scrub clean, export, import again; then a writer keeps
# adding fsynced files and after 10 of them the host SIGKILLs Cairn while the pool is imported and busy (the
# guest's I/O fails or stays stuck; it powers off) and restarts it. Boot 2: import -f, scrub clean, and every file whose fsync returned
# before the kill (the tree, the large file, the writer's acknowledged files) matches its sha256.
write_config
start_server
for dev in zfs-a zfs-b; do "$CAIRN_TOP/cairn" nbd create -c "$CAIRN_E2E_WORK/cairn.toml" "$dev" 512M > /dev/null; done

guest_script zfs-write <<'GUEST'
modprobe zfs || die "zfs: no zfs module in the guest (build it with e2e/lib/build-guest.sh --zfs)"
# No NBD_TIMEOUT, on purpose: OpenZFS 2.1 ignores a failed cache flush (README, failover suite), so a flush that
# failed after a timeout could let an fsync return for data Cairn never made durable. Without a timeout, requests
# in flight when the server dies are never completed (the kernel only rearms their timer); new ones fail at once.
nbd_attach /dev/nbd0 zfs-a && nbd_attach /dev/nbd1 zfs-b || die "zfs: nbd-client could not attach the exports"
# Throughput references for the 64 MiB write below (TCG makes the guest itself a bottleneck): the same bytes
# straight to /dev/nbd0, and to a ZFS mirror on two files in the guest's RAM (no Cairn involved).
head -c 64M /dev/urandom > /tmp/big
write_big() { t0=$(now_ms); dd if=/tmp/big of="$1" bs=1M conv=fsync status=none $2; t1=$(now_ms)
  echo "zfs: 64 MiB sequential write + fsync to $3: $(( t1 - t0 )) ms ($(( 65536 * 1000 / (t1 - t0) )) KiB/s)"; }
write_big /dev/nbd0 oflag=direct "raw /dev/nbd0 (O_DIRECT, 1 MiB writes)"
truncate -s 192M /tmp/vdev-a /tmp/vdev-b
zpool create -o ashift=12 -O atime=off -O compression=off -m /ramtank ramtank mirror /tmp/vdev-a /tmp/vdev-b \
  && write_big /ramtank/big "" "a ZFS mirror on two files in guest RAM" && zpool destroy ramtank
rm -f /tmp/vdev-a /tmp/vdev-b
check "zfs: mirror pool created on /dev/nbd0 + /dev/nbd1" \
  zpool create -f -o ashift=12 -O atime=off -O compression=off -m /tank tank mirror /dev/nbd0 /dev/nbd1
[ $failed -eq 0 ] || exit 1
echo "zfs: pool $(zpool list -H -o name,size,health tank | tr '\t' ' ')"
t0=$(now_ms)
for i in $(seq 1 48); do
  mkdir -p "/tank/tree/d$((i % 6))"
  dd if=/dev/urandom of="/tank/tree/d$((i % 6))/f$i" bs=64k count=$((1 + i % 8)) conv=fsync status=none
done
t1=$(now_ms)
echo "zfs: 48 files, $(du -sk --apparent-size /tank/tree | cut -f1) KiB, each written with fsync, in $(( (t1 - t0) / 1000 )) s"
write_big /tank/big "" "the ZFS mirror on Cairn NBD"
rm /tmp/big
zpool sync tank
(cd /tank && find tree big -type f | sort | xargs sha256sum) > /tmp/sums
t0=$(now_ms)
zpool scrub -w tank
echo "zfs: scrub took $(( ($(now_ms) - t0) / 1000 )) s; $(zpool status tank | sed -n 's/^ *scan: //p')"
check "zfs: scrub clean" sh -c "zpool status tank | grep -q 'repaired 0B.* with 0 errors' && zpool status -x tank | grep -q 'is healthy'"
check "zfs: pool exported" zpool export tank
check "zfs: pool imported again after the export" zpool import -d /dev/nbd0 -d /dev/nbd1 tank
check "zfs: files intact after export + import" sh -c "cd /tank && sha256sum --quiet -c /tmp/sums"
echo "zfs: pool after boot 1 writes: $(zpool list -H -o size,alloc,free tank | tr '\t' ' ') (size alloc free)"
sed 's/^/DATA /' /tmp/sums
[ $failed -eq 0 ] || exit 1

# The crash: a writer adds fsynced files; a file is acknowledged (its sum recorded) only after its fsync returned.
mkdir -p /tank/late; : > /tmp/late.started; : > /tmp/late.acked
( i=0
  while :; do
    i=$((i + 1)); head -c 256K /dev/urandom > /tmp/late
    sum=$(sha256sum < /tmp/late | cut -d' ' -f1)
    echo "$i" >> /tmp/late.started
    dd if=/tmp/late of=/tank/late/f$i bs=64k conv=fsync status=none || exit 0
    echo "$sum  late/f$i" >> /tmp/late.acked
  done ) &
end=$(( $(date +%s) + 900 ))
until [ "$(wc -l < /tmp/late.acked)" -ge 10 ]; do
  [ "$(date +%s)" -lt "$end" ] || die "zfs: the writer did not acknowledge 10 files in 900 s"
  sleep 0.5
done
echo "@@kill"
# The list of acknowledged files is final once both connections are dead (the kernel logs it at once) and the
# writer is inside a write that started after its last acknowledgement: its fsync needs a flush that can no longer
# succeed (short of ZFS ignoring a failed one, see above).
# From here on only files in /tmp and the kernel log are read: zpool commands can block on the dead devices.
end=$(( $(date +%s) + 600 ))
until [ "$(dmesg | grep -oE 'nbd[01]: Receive control failed' | sort -u | wc -l)" -eq 2 ] \
    && [ "$(wc -l < /tmp/late.started)" -eq $(( $(wc -l < /tmp/late.acked) + 1 )) ]; do
  [ "$(date +%s)" -lt "$end" ] || die "zfs: the NBD connections did not die within 600 s of @@kill"
  sleep 0.5
done
dmesg | grep -E "nbd[01]: Receive control failed|Pool 'tank'" | sed 's/^\[[ 0-9.]*\] /zfs: kernel: /' | sort -u
echo "zfs: $(wc -l < /tmp/late.acked) fsynced files acknowledged by the writer before the crash"
sed 's/^/DATA /' /tmp/late.acked
exit 0
GUEST
guest_start zfs-write 3600
await_guest zfs-write @@kill 3600
echo "host: SIGKILL Cairn with the pool imported and the writer busy, restart it"
kill_server
start_server
guest_finish zfs-write

{ echo "cat > /tmp/sums <<'SUMS'"; guest_data zfs-write; echo "SUMS"; cat <<'GUEST'; } | guest_script zfs-verify
modprobe zfs || die "zfs: no zfs module in the guest"
nbd_attach /dev/nbd0 zfs-a && nbd_attach /dev/nbd1 zfs-b || die "zfs: nbd-client could not attach the exports"
t0=$(now_ms)
check "zfs: pool imported (-f) after SIGKILL + restart of Cairn" zpool import -f -d /dev/nbd0 -d /dev/nbd1 tank
[ $failed -eq 0 ] || exit 1
echo "zfs: import (with ZIL replay) took $(( $(now_ms) - t0 )) ms; pool $(zpool list -H -o size,alloc,health tank | tr '\t' ' ')"
zpool scrub -w tank
echo "zfs: $(zpool status tank | sed -n 's/^ *scan: //p')"
check "zfs: scrub clean after the crash" sh -c "zpool status tank | grep -q 'repaired 0B.* with 0 errors' && zpool status -x tank | grep -q 'is healthy'"
check "zfs: all $(wc -l < /tmp/sums) acknowledged files match their sha256" sh -c "cd /tank && sha256sum --quiet -c /tmp/sums"
echo "zfs: $(ls /tank/late | wc -l) files in late/ after the crash ($(grep -c ' late/' /tmp/sums) acknowledged)"
check "zfs: pool exported after the crash" zpool export tank
exit $failed
GUEST
guest_start zfs-verify 3600
guest_finish zfs-verify
