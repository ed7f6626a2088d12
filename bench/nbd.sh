#!/usr/bin/env bash
# NBD benchmark with fio (Debian fio, built with the nbd ioengine): `cairn run`'s NBD export vs `nbdkit file`
# on the same disk vs the raw file (libaio, O_DIRECT), side by side in one run.
# Usage: bench/nbd.sh [runtime_s] [size_mib]          (documented run: 15 1024)
#        bench/nbd.sh --memory GIB                     sequential 1 MiB writes of GIB GiB through NBD into a
#                                                      node with [cache] memory_size_gb = 0.25; prints peak RSS
# On a shared, loaded machine quote only the ratios, and give both servers the same head start:
# `nice -n -10 bench/nbd.sh ...` (every process the script starts inherits it). docs/benchmarks.md section 3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; top="$(dirname "$here")"
source "$top/bin/find-jdk.sh"; java="$(cairn_find_jdk)/bin/java"
jar="$top/server/target/cairn.jar"
command -v fio >/dev/null || { echo "needs fio (apt-get install fio)" >&2; exit 2; }
[ -f "$jar" ] || { echo "build the server first: ./cairn version" >&2; exit 2; }
mode=fio; if [ "${1:-}" = --memory ]; then mode=memory; mem_gib="${2:-2}"; else runtime="${1:-15}"; size_mib="${2:-1024}"; fi

work="$(mktemp -d /tmp/cairn-nbdbench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

nbd_port=$(port); http_port=$(port); kit_port=$(port)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/key.hex"
mem_gb=1; [ "$mode" = memory ] && mem_gb=0.25
cat > "$work/cairn.toml" <<TOML
[storage]
url = "file://$work/store"
key_file = "$work/key.hex"
[cache]
dir = "$work/cache"
memory_size_gb = $mem_gb
[servers.nbd]
addresses = ["127.0.0.1:$nbd_port"]
[servers.http]
addresses = ["127.0.0.1:$http_port"]
TOML
heap=2g; [ "$mode" = memory ] && heap=1g
"$java" -Xmx$heap --enable-native-access=ALL-UNNAMED -jar "$jar" run -c "$work/cairn.toml" > "$work/cairn.log" 2>&1 &
cairn_pid=$!; pids+=("$cairn_pid")
for _ in $(seq 600); do curl -fs "http://127.0.0.1:$http_port/health/ready" >/dev/null && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$http_port/health/ready" >/dev/null || { tail -30 "$work/cairn.log"; exit 1; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)  cpus: $(nproc)"

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

if [ "$mode" = memory ]; then
  "$java" -jar "$jar" nbd create -c "$work/cairn.toml" disk "$((mem_gib + 1))G" >/dev/null
  peak=0; : > "$work/rss"
  ( while kill -0 "$cairn_pid" 2>/dev/null; do rss_kib "$cairn_pid" >> "$work/rss"; sleep 0.5; done ) &
  pids+=("$!")
  start=$(date +%s.%N)
  fio --name=seqwrite --ioengine=nbd --uri="nbd://127.0.0.1:$nbd_port/disk" --rw=write --bs=1M --iodepth=8 \
      --size="${mem_gib}G" --end_fsync=1 --output-format=json > "$work/mem.json"
  end=$(date +%s.%N)
  peak=$(sort -n "$work/rss" | tail -1); base=$(head -1 "$work/rss")
  echo "memory: wrote ${mem_gib} GiB through NBD in $(python3 -c "print(round($end-$start,1))") s with memory_size_gb=0.25, -Xmx$heap:"\
       "RSS at start $((base / 1024)) MiB, peak $((peak / 1024)) MiB ($(wc -l < "$work/rss") samples, every 0.5 s)"
  exit 0
fi

"$java" -jar "$jar" nbd create -c "$work/cairn.toml" disk "${size_mib}M" >/dev/null
truncate -s "${size_mib}M" "$work/kit.img" "$work/raw.img"
nbdkit -f -i 127.0.0.1 -p "$kit_port" file "$work/kit.img" > "$work/nbdkit.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do nbdinfo --can connect "nbd://127.0.0.1:$kit_port" 2>/dev/null && break; bash -c "exec 3<>/dev/tcp/127.0.0.1/$kit_port" 2>/dev/null && break; sleep 0.1; done

target_args() {
  case "$1" in
    cairn) echo "--ioengine=nbd --uri=nbd://127.0.0.1:$nbd_port/disk" ;;
    nbdkit) echo "--ioengine=nbd --uri=nbd://127.0.0.1:$kit_port" ;;
    raw) echo "--ioengine=libaio --direct=1 --filename=$work/raw.img" ;;
  esac
}
jobs=(
  "seqwrite-1M:--rw=write --bs=1M --iodepth=8 --end_fsync=1"
  "seqread-1M:--rw=read --bs=1M --iodepth=8"
  "randread-4k-qd1:--rw=randread --bs=4k --iodepth=1"
  "randread-4k-qd32:--rw=randread --bs=4k --iodepth=32"
  "randwrite-4k-qd1:--rw=randwrite --bs=4k --iodepth=1"
  "randwrite-4k-qd32:--rw=randwrite --bs=4k --iodepth=32"
  "randwrite-4k-fsync1:--rw=randwrite --bs=4k --iodepth=1 --fsync=1"
)
for t in cairn nbdkit raw; do
  for j in "${jobs[@]}"; do
    name="${j%%:*}"; opts="${j#*:}"
    # The sequential write fills the device (its full size, no time limit) so the reads find data.
    if [ "$name" = seqwrite-1M ]; then limit="--size=${size_mib}M"; else limit="--size=${size_mib}M --time_based --runtime=$runtime"; fi
    # shellcheck disable=SC2086
    fio --name="$name" $(target_args "$t") $opts $limit --output-format=json > "$work/$t-$name.json" 2>"$work/$t-$name.err" \
      || { echo "fio $t $name failed:"; cat "$work/$t-$name.err"; }
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "${jobs[@]}" <<'PY'
import json, sys
work, jobs = sys.argv[1], [j.split(":")[0] for j in sys.argv[2:]]
def res(t, name):
    try:
        text = open(f"{work}/{t}-{name}.json").read()
        j = json.loads(text[text.index("{"):])["jobs"][0]  # the nbd engine prints a line before the JSON
    except Exception:
        return None
    side = j["write"] if "write" in name else j["read"]
    lat = side.get("clat_ns", {}).get("percentile", {}).get("99.000000", 0) / 1000
    return side["iops"], side["bw"] / 1024, lat
print("| job | cairn IOPS | cairn MiB/s | cairn p99 us | nbdkit IOPS | raw IOPS | cairn/nbdkit | cairn/raw |")
print("|---|---|---|---|---|---|---|---|")
for n in jobs:
    c, k, r = res("cairn", n), res("nbdkit", n), res("raw", n)
    f = lambda x: "n/a" if x is None else f"{x[0]:.0f}"
    ratio = lambda a, b: "n/a" if a is None or b is None or b[0] == 0 else f"{a[0]/b[0]:.2f}"
    print(f"| {n} | {f(c)} | {'n/a' if c is None else f'{c[1]:.1f}'} | {'n/a' if c is None else f'{c[2]:.0f}'} | {f(k)} | {f(r)} | {ratio(c,k)} | {ratio(c,r)} |")
PY
