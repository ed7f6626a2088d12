# crash: write and fsync over NFS, 9P and NBD (ext4), SIGKILL the server on the host, restart it, remount
# in a fresh guest and verify every fsynced byte. Two boots around the kill.
write_config
start_server
cat > "$CAIRN_E2E_WORK/crash-write.sh" <<'GUEST'
set -eu
mkdir -p /mnt/nfs /mnt/9p /mnt/nbd
mount -t nfs -o vers=3,proto=tcp,port=2049,mountport=2049,mountproto=tcp,nolock 10.0.2.2:/ /mnt/nfs
dd if=/dev/urandom of=/mnt/nfs/nfs.bin bs=64k count=32 conv=fsync status=none
sha256sum /mnt/nfs/nfs.bin | cut -d' ' -f1 > /mnt/nfs/nfs.sum; sync -f /mnt/nfs/nfs.sum
truncate -s 64M /mnt/nfs/.nbd/crash; sync -f /mnt/nfs/.nbd/crash
mount -t 9p -o trans=tcp,port=5564,version=9p2000.L,msize=1048576,cache=mmap,access=user 10.0.2.2 /mnt/9p
dd if=/dev/urandom of=/mnt/9p/9p.bin bs=64k count=32 conv=fsync status=none
sha256sum /mnt/9p/9p.bin | cut -d' ' -f1 > /mnt/9p/9p.sum; sync -f /mnt/9p/9p.sum
nbd-client 10.0.2.2 10809 /dev/nbd0 -N crash > /dev/null
mkfs.ext4 -q /dev/nbd0; mount /dev/nbd0 /mnt/nbd
dd if=/dev/urandom of=/mnt/nbd/nbd.bin bs=64k count=32 conv=fsync status=none
sha256sum /mnt/nbd/nbd.bin | cut -d' ' -f1 > /mnt/nbd/nbd.sum
sync
echo "written and fsynced on nfs, 9p and nbd"
GUEST
guest "$CAIRN_E2E_WORK/crash-write.sh" 900
echo "host: SIGKILL the server"
kill_server
start_server
cat > "$CAIRN_E2E_WORK/crash-verify.sh" <<'GUEST'
set -eu
check() { what="$1"; shift; if "$@"; then echo "$what: ok"; else echo "$what: FAILED"; exit 1; fi; }
mkdir -p /mnt/nfs /mnt/9p /mnt/nbd
mount -t nfs -o vers=3,proto=tcp,port=2049,mountport=2049,mountproto=tcp,nolock 10.0.2.2:/ /mnt/nfs
check "nfs: fsynced data survived SIGKILL" [ "$(sha256sum < /mnt/nfs/nfs.bin | cut -d' ' -f1)" = "$(cat /mnt/nfs/nfs.sum)" ]
mount -t 9p -o trans=tcp,port=5564,version=9p2000.L,msize=1048576,cache=mmap,access=user 10.0.2.2 /mnt/9p
check "9p: fsynced data survived SIGKILL" [ "$(sha256sum < /mnt/9p/9p.bin | cut -d' ' -f1)" = "$(cat /mnt/9p/9p.sum)" ]
nbd-client 10.0.2.2 10809 /dev/nbd0 -N crash > /dev/null
check "nbd: ext4 is clean after SIGKILL" e2fsck -fn /dev/nbd0
mount -o ro /dev/nbd0 /mnt/nbd
check "nbd: fsynced data survived SIGKILL" [ "$(sha256sum < /mnt/nbd/nbd.bin | cut -d' ' -f1)" = "$(cat /mnt/nbd/nbd.sum)" ]
echo "crash: all protocols ok"
GUEST
guest "$CAIRN_E2E_WORK/crash-verify.sh" 900
