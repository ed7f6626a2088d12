#!/usr/bin/env bash
# Host-side NFSv3 benchmark with a userspace client (libnfs-utils: nfs-cp, nfs-ls; this fio has no libnfs
# engine): `cairn run`'s NFS server vs nfs-ganesha (VFS FSAL) on the same disk, side by side in one run.
# Usage: sudo bench/nfs.sh [big_mib] [small_files] [rounds]      (defaults 256 300 2; documented run: 128 100 2)
# Per round and server, in turn (Cairn first in odd rounds, ganesha first in even ones):
#   - write: nfs-cp of a big_mib MiB random file into the export; read: nfs-cp of it back (sha256 checked)
#   - small: small_files files of 4 KiB copied in, one nfs-cp each (each run is a process start, a MOUNT and
#     a LOOKUP/CREATE/WRITE/COMMIT: the same client overhead for both servers), listed with `nfs-ls`, copied out
# after an unmeasured warm-up on both (32 MiB in and out, 20 small files: the JVM compiles its hot paths).
# Everything runs in a network namespace this script makes (loopback only); nfs-ganesha gets a private rpcbind
# in a private mount namespace (it will not start without registering). Needs root, libnfs-utils, nfs-ganesha,
# nfs-ganesha-vfs, rpcbind. Quote only the ratios (docs/benchmarks.md section 10).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; top="$(dirname "$here")"
big_mib="${1:-256}"; small_files="${2:-300}"; rounds="${3:-2}"
[ "$(id -u)" -eq 0 ] || { echo "bench/nfs.sh: needs root (network namespace)" >&2; exit 2; }
"$top/bin/apt-install.sh" bench/nfs.sh libnfs-utils nfs-ganesha nfs-ganesha-vfs rpcbind
source "$top/bin/find-jdk.sh"; java="$(cairn_find_jdk)/bin/java"
jar="$top/server/target/cairn.jar"
[ -f "$jar" ] || { echo "bench/nfs.sh: build the server first: ./cairn version" >&2; exit 2; }

ns="cairn-nfsbench-$$"
work="$(mktemp -d /tmp/cairn-nfsbench.XXXXXX)"
pids=()
cleanup() {
  local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true  # ganesha and rpcbind started under unshare
  ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"; ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" "$@"; }
await_port() { # await_port PORT NAME
  for _ in $(seq 1 300); do in_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "bench/nfs.sh: $2 not listening on $1 after 60 s" >&2; tail -n 20 "$work"/*.log >&2; exit 1
}

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/key.hex"
cat > "$work/cairn.toml" <<TOML
[storage]
url = "file://$work/store"
key_file = "$work/key.hex"
[cache]
dir = "$work/cache"
[servers.nfs]
addresses = ["127.0.0.1:2049"]
[servers.http]
addresses = ["127.0.0.1:9464"]
TOML
in_ns "$java" -Xmx2g --enable-native-access=ALL-UNNAMED -jar "$jar" run -c "$work/cairn.toml" > "$work/cairn.log" 2>&1 &
pids+=("$!")
"$top/bin/ganesha-in-ns.sh" "$ns" "$work" > "$work/ganesha.out" 2>&1 &
pids+=("$!")
await_port 2049 "Cairn NFS"; await_port 20490 nfs-ganesha; await_port 20491 "nfs-ganesha (mount)"

url() { # url SERVER NAME: the libnfs URL of NAME in the root of SERVER's export
  case "$1" in
    cairn)   echo "nfs://127.0.0.1/$2?version=3&nfsport=2049&mountport=2049&auto-traverse-mounts=0" ;;
    ganesha) echo "nfs://127.0.0.1$work/ganesha/$2?version=3&nfsport=20490&mountport=20491" ;;
  esac
}
now_ms() { date +%s%3N; }
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n * 1000 / t }'; } # per_s COUNT MS
head -c "$((big_mib << 20))" /dev/urandom > "$work/big.src"
big_sum="$(sha256sum < "$work/big.src")"
head -c 4096 /dev/urandom > "$work/small.src"
results="$work/results"; : > "$results"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)  cpus: $(nproc)  big file: $big_mib MiB  small files: $small_files x 4 KiB  rounds: $rounds"

# one SERVER ROUND: every workload on SERVER; prints "SERVER METRIC VALUE" lines into $results
one() {
  local s="$1" r="$2" t0 ms i
  t0=$(now_ms); in_ns nfs-cp "$work/big.src" "$(url "$s" "big-$r")" > /dev/null; ms=$(( $(now_ms) - t0 ))
  echo "$s write $(per_s "$big_mib" "$ms")" >> "$results"
  rm -f "$work/big.out"
  t0=$(now_ms); in_ns nfs-cp "$(url "$s" "big-$r")" "$work/big.out" > /dev/null; ms=$(( $(now_ms) - t0 ))
  [ "$(sha256sum < "$work/big.out")" = "$big_sum" ] || { echo "bench/nfs.sh: $s: the big file read back differs" >&2; exit 1; }
  echo "$s read $(per_s "$big_mib" "$ms")" >> "$results"
  t0=$(now_ms)
  for i in $(seq 1 "$small_files"); do in_ns nfs-cp "$work/small.src" "$(url "$s" "s$r-$i")" > /dev/null; done
  ms=$(( $(now_ms) - t0 ))
  echo "$s small-in $(per_s "$small_files" "$ms")" >> "$results"
  t0=$(now_ms); in_ns nfs-ls "$(url "$s" "")" > "$work/ls.out"; n=$(grep -cE "(^| )s$r-[0-9]+$" "$work/ls.out") ; ms=$(( $(now_ms) - t0 ))
  [ "$n" -eq "$small_files" ] || { echo "bench/nfs.sh: $s: nfs-ls listed $n of $small_files small files:" >&2; head -n 3 "$work/ls.out" >&2; exit 1; }
  echo "$s list-ms $ms" >> "$results"
  mkdir -p "$work/out"
  t0=$(now_ms)
  for i in $(seq 1 "$small_files"); do in_ns nfs-cp "$(url "$s" "s$r-$i")" "$work/out/$i" > /dev/null; done
  ms=$(( $(now_ms) - t0 ))
  cmp -s "$work/small.src" "$work/out/$small_files" || { echo "bench/nfs.sh: $s: a small file read back differs" >&2; exit 1; }
  rm -rf "$work/out"
  echo "$s small-out $(per_s "$small_files" "$ms")" >> "$results"
  echo "round $r $s done (load $(cut -d' ' -f1 /proc/loadavg))"
}
# Warm-up, not measured: a JVM server compiles its hot paths during the first requests (ganesha needs none, but
# gets the same): 32 MiB in and out and 20 small files on each server.
head -c 32M "$work/big.src" > "$work/warm.src"
for s in cairn ganesha; do
  rm -f "$work/warm.out"  # nfs-cp will not overwrite a local file
  in_ns nfs-cp "$work/warm.src" "$(url "$s" warm)" > /dev/null && in_ns nfs-cp "$(url "$s" warm)" "$work/warm.out" > /dev/null
  for i in $(seq 1 20); do in_ns nfs-cp "$work/small.src" "$(url "$s" "w-$i")" > /dev/null; done
done
rm -f "$work/warm.out"; echo "warm-up done (load $(cut -d' ' -f1 /proc/loadavg))"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then one cairn "$r"; one ganesha "$r"; else one ganesha "$r"; one cairn "$r"; fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# the table: per metric the mean over the rounds, and Cairn / ganesha (> 1: Cairn faster; listing time inverted)
awk -v rounds="$rounds" '
  { sum[$1 " " $2] += $3; all[$1 " " $2] = all[$1 " " $2] " " $3 }
  END {
    split("write read small-in list-ms small-out", ms, " ")
    name["write"] = "big file write, nfs-cp in (MiB/s)"; name["read"] = "big file read, nfs-cp out (MiB/s)"
    name["small-in"] = "4 KiB files in, one nfs-cp each (/s)"; name["list-ms"] = "nfs-ls of the export (READDIRPLUS) (ms)"
    name["small-out"] = "4 KiB files out, one nfs-cp each (/s)"
    print "| workload | Cairn NFS | nfs-ganesha | **Cairn / ganesha** |"
    print "|---|---|---|---|"
    for (i = 1; i <= 5; i++) {
      m = ms[i]; c = sum["cairn " m] / rounds; g = sum["ganesha " m] / rounds
      r = (m == "list-ms") ? g / c : c / g
      printf "| %s | %.1f (%s) | %.1f (%s) | **%.2f** |\n", name[m], c, substr(all["cairn " m], 2), g, substr(all["ganesha " m], 2), r
    }
  }' "$results"
