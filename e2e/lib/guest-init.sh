#!/bin/sh
# PID 1 of the test guest: mounts the basics, brings up the user-mode network, runs the script passed in
# with -fw_cfg name=opt/cairn/script, writes its output to ttyS1 and its exit status to ttyS2 (ttyS0 is the console), powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /run /tmp; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp
for m in qemu_fw_cfg virtio_net nfs nfsv3 9p 9pnet_virtio 9pnet nbd loop; do modprobe -q "$m" 2>/dev/null; done
ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0
script=/sys/firmware/qemu_fw_cfg/by_name/opt/cairn/script/raw
status=99
if [ -r "$script" ]; then
  cp "$script" /tmp/script.sh; chmod +x /tmp/script.sh
  /bin/sh /tmp/script.sh > /dev/ttyS1 2>&1; status=$?
else
  echo "guest-init: no script passed (-fw_cfg name=opt/cairn/script,file=...)" > /dev/ttyS1
fi
echo "$status" > /dev/ttyS2
# A suspended ZFS pool or a dead NBD device can block sync forever: give it 20 s, then power off anyway.
sync & sync_pid=$!
for _ in $(seq 1 20); do kill -0 "$sync_pid" 2>/dev/null || break; sleep 1; done
echo o > /proc/sysrq-trigger
poweroff -f
