#!/usr/bin/env bash
# Boots the cached guest under TCG, runs SCRIPT inside it, prints its output and exits with its status.
# Usage: e2e/lib/boot.sh SCRIPT [TIMEOUT_S]. The guest reaches the host's 127.0.0.1 at 10.0.2.2 (user net).
# CAIRN_E2E_GUEST_OUT=FILE: the guest's output also streams into FILE while it runs (hosts wait for markers).
# CAIRN_E2E_SCRATCH=FILE: a raw image attached as a second virtio disk (/dev/vdb, the bench suite's local disk).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${CAIRN_E2E_CACHE:-$here/cache}"
script="$1"; timeout_s="${2:-900}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
output="${CAIRN_E2E_GUEST_OUT:-$out/output}"
: > "$output"; : > "$out/status"
timeout "$timeout_s" qemu-system-x86_64 -machine q35 -accel tcg,thread=multi -cpu max -m 2048 -smp 2 \
  -nographic -no-reboot -monitor none \
  -kernel "$cache/vmlinuz" -initrd "$cache/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 net.ifnames=0 init=/usr/local/sbin/cairn-guest-init panic=-1 quiet" \
  -drive "file=$cache/root.img,if=virtio,format=raw,snapshot=on" \
  ${CAIRN_E2E_SCRATCH:+-drive "file=$CAIRN_E2E_SCRATCH,if=virtio,format=raw"} \
  -netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
  -fw_cfg "name=opt/cairn/script,file=$script" \
  -serial "file:$out/console" -serial "file:$output" -serial "file:$out/status" > /dev/null 2>&1 || true
cat "$output"
status="$(tr -dc '0-9' < "$out/status")"
if [ -z "$status" ]; then
  echo "boot: the guest did not report a status (timeout ${timeout_s}s or crash); console tail:" >&2
  tail -n 30 "$out/console" >&2
  exit 98
fi
exit "$status"
