#!/usr/bin/env bash
# Builds (once) the QEMU test guest from Debian packages and caches it under e2e/cache/:
#   vmlinuz, initrd.img  the Debian kernel (linux-image-amd64) and an initramfs with virtio drivers
#   root.img             an ext4 image of a debootstrap'ed root with the real clients installed
# Usage: e2e/lib/build-guest.sh [--zfs]   (--zfs adds zfs-dkms + zfsutils-linux, built in the chroot: ~5-10 min
# on an idle 2-core machine, 19 min at load 3-35; at load 50-90 its configure step alone took over 60 min)
# Needs root (debootstrap, chroot) and the machine's configured apt sources.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${CAIRN_E2E_CACHE:-$here/cache}"
with_zfs=0; [ "${1:-}" = "--zfs" ] && with_zfs=1
stamp="$cache/guest.ok"; [ $with_zfs -eq 1 ] && stamp="$cache/guest-zfs.ok"
[ -f "$stamp" ] && [ "$stamp" -nt "$here/lib/guest-init.sh" ] && { echo "build-guest: cached in $cache"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "build-guest: needs root (debootstrap + chroot)" >&2; exit 1; }
if [ -f "$stamp" ] && [ -f "$cache/root.img" ]; then
  # Only the guest init changed: write it into the image in place (seconds) instead of rebuilding it.
  init=/usr/local/sbin/cairn-guest-init
  debugfs -w -R "rm $init" "$cache/root.img" > /dev/null 2>&1 || true
  debugfs -w -f - "$cache/root.img" > /dev/null 2>&1 <<DEBUGFS
cd /usr/local/sbin
write $here/lib/guest-init.sh cairn-guest-init
sif $init mode 0100755
DEBUGFS
  debugfs -R "cat $init" "$cache/root.img" 2>/dev/null | cmp -s - "$here/lib/guest-init.sh" \
    || { echo "build-guest: could not update $init in $cache/root.img" >&2; exit 1; }
  [ -d "$cache/rootfs" ] && install -m 0755 "$here/lib/guest-init.sh" "$cache/rootfs$init"
  touch "$stamp"; echo "build-guest: updated the guest init in $cache/root.img"; exit 0
fi

"$(dirname "$here")/bin/apt-install.sh" build-guest debootstrap qemu-system-x86 e2fsprogs

mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)"
mirror="${mirror:-http://deb.debian.org/debian}"
suite="$(. /etc/os-release && echo "$VERSION_CODENAME")"
root="$cache/rootfs"
mkdir -p "$cache"
packages=linux-image-amd64,initramfs-tools,kmod,iproute2,netbase,nbd-client,nfs-common,e2fsprogs,fio,postgresql,procps,util-linux,coreutils,attr,acl
if [ ! -f "$cache/rootfs.ok" ]; then
  rm -rf "$root"
  echo "build-guest: debootstrap $suite from $mirror (a few minutes)"
  debootstrap --variant=minbase --components=main,contrib --include="$packages" "$suite" "$root" "$mirror" \
    > "$cache/debootstrap.log" 2>&1 || { tail -n 30 "$cache/debootstrap.log" >&2; exit 1; }
  touch "$cache/rootfs.ok"
fi

# Package scripts in the chroot must never start daemons on the host.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
in_chroot() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"; }

if [ $with_zfs -eq 1 ] && [ ! -f "$cache/zfs.ok" ]; then
  kver="$(ls "$root/lib/modules" | head -n1)"
  mount --bind /proc "$root/proc"; trap 'umount "$root/proc" 2>/dev/null || true' EXIT
  in_chroot dpkg --configure -a > "$cache/zfs.log" 2>&1 || true  # finishes an earlier, interrupted attempt
  in_chroot apt-get install -y -qq "linux-headers-$kver" zfs-dkms zfsutils-linux >> "$cache/zfs.log" 2>&1 \
    || { tail -n 30 "$cache/zfs.log" >&2; exit 1; }
  # dpkg can report success with a failed dkms build (the module is then simply missing): check for it.
  ls "$root/lib/modules/$kver/updates/dkms/"zfs.ko* > /dev/null 2>&1 \
    || { echo "build-guest: no zfs module for $kver after the dkms build:" >&2; tail -n 30 "$cache/zfs.log" >&2; exit 1; }
  in_chroot depmod -a "$kver"  # modprobe zfs in the guest needs modules.dep to list it
  umount "$root/proc"; trap - EXIT
  touch "$cache/zfs.ok"
fi

install -m 0755 "$here/lib/guest-init.sh" "$root/usr/local/sbin/cairn-guest-init"
echo "cairn-guest" > "$root/etc/hostname"
printf 'virtio_blk\nvirtio_net\nvirtio_pci\next4\nqemu_fw_cfg\n' >> "$root/etc/initramfs-tools/modules"
kver="$(ls "$root/lib/modules" | head -n1)"
in_chroot update-initramfs -u -k "$kver" > "$cache/initramfs.log" 2>&1 || { tail -n 20 "$cache/initramfs.log" >&2; exit 1; }
cp "$root/boot/vmlinuz-$kver" "$cache/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$cache/initrd.img"
umount "$root/proc" 2>/dev/null || true  # debootstrap may leave it mounted
size_mb=$(( $(du -sm "$root" | cut -f1) + 1024 ))
rm -f "$cache/root.img"
mke2fs -q -t ext4 -d "$root" -L cairnroot "$cache/root.img" "${size_mb}M"
touch "$stamp"
echo "build-guest: ready in $cache (kernel $kver)"
