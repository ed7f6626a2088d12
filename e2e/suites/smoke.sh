# smoke: mount NFS and 9P, connect NBD with ext4 on it; write and read back on each.
write_config
start_server
cat > "$CAIRN_E2E_WORK/smoke-guest.sh" <<'GUEST'
set -eu
check() { what="$1"; shift; if "$@"; then echo "$what: ok"; else echo "$what: FAILED"; exit 1; fi; }
mkdir -p /mnt/nfs /mnt/9p /mnt/nbd
mount -t nfs -o vers=3,proto=tcp,port=2049,mountport=2049,mountproto=tcp,nolock 10.0.2.2:/ /mnt/nfs
echo "hello over nfs" > /mnt/nfs/smoke-nfs.txt
sync
check "nfs: write and read back" [ "$(cat /mnt/nfs/smoke-nfs.txt)" = "hello over nfs" ]
truncate -s 64M /mnt/nfs/.nbd/smoke   # an NBD export is a regular file in /.nbd/
mount -t 9p -o trans=tcp,port=5564,version=9p2000.L,msize=1048576,cache=mmap,access=user 10.0.2.2 /mnt/9p
check "9p: sees the nfs file" [ "$(cat /mnt/9p/smoke-nfs.txt)" = "hello over nfs" ]
echo "hello over 9p" > /mnt/9p/smoke-9p.txt
sync
check "9p: write and read back" [ "$(cat /mnt/9p/smoke-9p.txt)" = "hello over 9p" ]
nbd-client 10.0.2.2 10809 /dev/nbd0 -N smoke > /dev/null
mkfs.ext4 -q /dev/nbd0
mount /dev/nbd0 /mnt/nbd
dd if=/dev/urandom of=/mnt/nbd/blob bs=1M count=8 status=none
sum1="$(sha256sum < /mnt/nbd/blob)"
umount /mnt/nbd; mount /dev/nbd0 /mnt/nbd
check "nbd: ext4 write and read back" [ "$(sha256sum < /mnt/nbd/blob)" = "$sum1" ]
umount /mnt/nbd; nbd-client -d /dev/nbd0 > /dev/null
umount /mnt/9p; umount /mnt/nfs
echo "smoke: all protocols ok"
GUEST
guest "$CAIRN_E2E_WORK/smoke-guest.sh" 600
