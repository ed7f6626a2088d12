# zfs: an OpenZFS mirror over two Cairn NBD exports. Boot 1: write a tree of fsynced files, scrub, export.
# Host: SIGKILL Cairn, restart it. Boot 2: import, scrub clean, every sha256 matches the list boot 1 printed.
write_config
start_server
for dev in zfs-a zfs-b; do "$CAIRN_TOP/cairn" nbd create -c "$CAIRN_E2E_WORK/cairn.toml" "$dev" 512M > /dev/null; done

guest_script zfs-write <<'GUEST'
modprobe zfs || die "zfs: no zfs module in the guest (build it with e2e/lib/build-guest.sh --zfs)"
nbd_attach /dev/nbd0 zfs-a && nbd_attach /dev/nbd1 zfs-b || die "zfs: nbd-client could not attach the exports"
t0=$(now_ms)
check "zfs: mirror pool created on /dev/nbd0 + /dev/nbd1" \
  zpool create -f -o ashift=12 -O atime=off -O compression=off -m /tank tank mirror /dev/nbd0 /dev/nbd1
[ $failed -eq 0 ] || exit 1
for i in $(seq 1 48); do
  mkdir -p "/tank/tree/d$((i % 6))"
  dd if=/dev/urandom of="/tank/tree/d$((i % 6))/f$i" bs=64k count=$((1 + i % 8)) conv=fsync status=none
done
(cd /tank/tree && find . -type f | sort | xargs sha256sum) > /tmp/sums
zpool sync tank
echo "zfs: wrote $(wc -l < /tmp/sums) files, $(du -sh /tank/tree | cut -f1), with fsync in $(( ($(now_ms) - t0) / 1000 )) s"
zpool scrub -w tank
zpool status tank | sed -n 's/^ *scan: /zfs: /p'
check "zfs: scrub clean before the crash" sh -c "zpool status tank | grep -q 'repaired 0B.* with 0 errors' && zpool status -x tank | grep -q 'is healthy'"
check "zfs: pool exported" zpool export tank
sed 's/^/DATA /' /tmp/sums
exit $failed
GUEST
guest_start zfs-write
guest_finish zfs-write
echo "host: SIGKILL Cairn, restart it"
kill_server
start_server

{ echo "cat > /tmp/sums <<'SUMS'"; guest_data zfs-write; echo "SUMS"; cat <<'GUEST'; } | guest_script zfs-verify
modprobe zfs || die "zfs: no zfs module in the guest"
nbd_attach /dev/nbd0 zfs-a && nbd_attach /dev/nbd1 zfs-b || die "zfs: nbd-client could not attach the exports"
check "zfs: pool imported after SIGKILL + restart of Cairn" zpool import -f -d /dev tank
[ $failed -eq 0 ] || exit 1
zpool scrub -w tank
zpool status tank | sed -n 's/^ *scan: /zfs: /p'
check "zfs: scrub clean after the crash" sh -c "zpool status tank | grep -q 'repaired 0B.* with 0 errors' && zpool status -x tank | grep -q 'is healthy'"
check "zfs: all $(wc -l < /tmp/sums) files match their sha256" sh -c "cd /tank/tree && sha256sum --quiet -c /tmp/sums"
zpool export tank
exit $failed
GUEST
guest_start zfs-verify
guest_finish zfs-verify
