# Guest side: the PostgreSQL disk on /dev/nbd0, ZFS when the guest has the module (else ext4, said so).
# pgdisk_create / pgdisk_open mount it on /pg and set PGFS.
pgdisk_create() {
  if modprobe zfs 2> /dev/null; then
    PGFS=zfs
    zpool create -f -o ashift=12 -O atime=off -O recordsize=8k -O logbias=latency -m /pg pgpool /dev/nbd0
  else
    PGFS=ext4
    echo "NOTE: no zfs module in the guest: PostgreSQL runs on ext4"
    mkfs.ext4 -q -E nodiscard /dev/nbd0 && mkdir -p /pg && mount /dev/nbd0 /pg
  fi
}
pgdisk_open() { # by what is on the disk (blkid), not by what the guest has
  if [ "$(blkid -p -o value -s TYPE /dev/nbd0)" = ext4 ]; then PGFS=ext4; mkdir -p /pg && { e2fsck -p /dev/nbd0 > /dev/null; mount /dev/nbd0 /pg; }
  else PGFS=zfs; modprobe zfs && zpool import -f -d /dev pgpool; fi
}
