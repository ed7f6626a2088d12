# bench: the same fio and metadata workloads from one guest on Cairn and on a peer server per protocol:
# Cairn NFS vs nfs-ganesha (VFS FSAL, NFSv3), Cairn 9P vs diod, Cairn NBD vs nbdkit's file plugin (ext4 on
# both), and the guest's own virtio disk (ext4 on a raw file in the work dir) as the limit. Under TCG the
# guest is the bottleneck, so only ratios between servers measured in this run mean anything.
# All servers run in the test namespace and keep their data in the work dir (the same host file system).
# CAIRN_E2E_BENCH_TABLE=FILE: also write the results table (markdown) to FILE.
"$CAIRN_TOP/bin/apt-install.sh" "e2e bench" nfs-ganesha nfs-ganesha-vfs rpcbind diod nbdkit
bench_secs="${CAIRN_E2E_BENCH_SECS:-15}"    # length of each time-based fio job (random I/O, fsync)
bench_only="${CAIRN_E2E_BENCH_ONLY:-io md}"   # "io" (fio data jobs), "md" (metadata), or both
bench_files="${CAIRN_E2E_BENCH_FILES:-500}" # files per metadata phase (create, stat, unlink): 2000 took >20 min
bench_targets="${CAIRN_E2E_BENCH_TARGETS:-cairn-nfs ganesha-nfs cairn-9p diod-9p cairn-nbd nbdkit-nbd local-disk}" # a subset, e.g. "cairn-9p diod-9p"
write_config
start_server
"$CAIRN_TOP/cairn" nbd create -c "$CAIRN_E2E_WORK/cairn.toml" bench 512M > /dev/null

await_port() { # await_port PORT NAME: until something in the namespace accepts on 127.0.0.1:PORT (30 s)
  for _ in $(seq 1 150); do
    in_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "e2e bench: $2 not listening on port $1 after 30 s"; for l in "$CAIRN_E2E_WORK"/*.log; do echo "--- $l"; tail -n 20 "$l"; done
  return 1
}

mkdir -p "$CAIRN_E2E_WORK/diod"
# diod attaches as the mounting user and as "nobody" (setfsuid) and must traverse the work dir (mktemp: 0700)
chmod 711 "$CAIRN_E2E_WORK"
"$CAIRN_TOP/bin/ganesha-in-ns.sh" "$CAIRN_E2E_NS" "$CAIRN_E2E_WORK" > "$CAIRN_E2E_WORK/ganesha.out" 2>&1 &
echo $! > "$CAIRN_E2E_WORK/ganesha.pid"
ip netns exec "$CAIRN_E2E_NS" diod -f -n -L stderr -l 127.0.0.1:5640 -e "$CAIRN_E2E_WORK/diod" > "$CAIRN_E2E_WORK/diod.log" 2>&1 &
echo $! > "$CAIRN_E2E_WORK/diod.pid"
truncate -s 512M "$CAIRN_E2E_WORK/nbdkit.img"
ip netns exec "$CAIRN_E2E_NS" nbdkit -f -i 127.0.0.1 -p 10810 file "$CAIRN_E2E_WORK/nbdkit.img" > "$CAIRN_E2E_WORK/nbdkit.log" 2>&1 &
echo $! > "$CAIRN_E2E_WORK/nbdkit.pid"
await_port 20490 nfs-ganesha; await_port 20491 "nfs-ganesha (mount)"; await_port 5640 diod; await_port 10810 nbdkit
truncate -s 512M "$CAIRN_E2E_WORK/scratch.img"
export CAIRN_E2E_SCRATCH="$CAIRN_E2E_WORK/scratch.img"
echo "bench: servers up (Cairn, nfs-ganesha, diod, nbdkit); ${bench_secs} s per timed job, $bench_files files per metadata phase"

{ echo "WORK=$CAIRN_E2E_WORK; SECS=$bench_secs; FILES=$bench_files; ONLY=\"$bench_only\"; targets=\"$bench_targets\""; cat <<'GUEST'; } | guest_script bench
nfs_opts=vers=3,proto=tcp,nolock,mountproto=tcp
p9_opts=trans=tcp,version=9p2000.L,msize=1048576,cache=mmap,access=user
ext4_on() { mkfs.ext4 -q -F -E nodiscard "$1" && mount "$1" "$2"; }
mount_target() { # mount_target TARGET DIR
  case "$1" in
    cairn-nfs)   mount -t nfs -o "$nfs_opts,port=2049,mountport=2049" 10.0.2.2:/ "$2" ;;
    ganesha-nfs) mount -t nfs -o "$nfs_opts,port=20490,mountport=20491" "10.0.2.2:$WORK/ganesha" "$2" ;;
    cairn-9p)    mount -t 9p -o "$p9_opts,port=5564" 10.0.2.2 "$2" ;;
    diod-9p)     mount -t 9p -o "$p9_opts,port=5640,aname=$WORK/diod" 10.0.2.2 "$2" ;;
    cairn-nbd)   nbd_attach /dev/nbd0 bench && ext4_on /dev/nbd0 "$2" ;;
    nbdkit-nbd)  nbd-client 10.0.2.2 10810 /dev/nbd1 > /dev/null && ext4_on /dev/nbd1 "$2" ;;
    local-disk)  ext4_on /dev/vdb "$2" ;;
  esac
}
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# job TARGET METRIC FIO-ARGS...: one fio job in the target's directory, prints "DATA TARGET METRIC VALUE"
job() {
  target="$1"; metric="$2"; shift 2
  if ! fio --name="$metric" --directory="$(bdir "$target")" --output-format=json --output=/tmp/fio.json "$@" > /tmp/fio.err 2>&1; then
    echo "FAIL $target $metric: fio: $(tail -n 3 /tmp/fio.err | tr '\n' ' ')"; failed=1; return 1
  fi
  python3 - "$target" "$metric" <<'PY'
import json, sys
target, metric = sys.argv[1], sys.argv[2]
j = json.load(open("/tmp/fio.json"))["jobs"][0]
r, w = j["read"], j["write"]
if metric in ("randwrite", "randread", "md-create", "md-stat", "md-unlink"):
    print("DATA", target, metric, "%.1f" % (r["iops"] + w["iops"]))           # ops/s (files/s for md-*)
elif metric in ("seqwrite", "seqread"):
    print("DATA", target, metric, "%.2f" % ((r["bw_bytes"] + w["bw_bytes"]) / 2**20))  # MiB/s
elif metric == "fsync":
    print("DATA", target, metric, "%.1f" % w["iops"])                          # fsynced 4 KiB writes/s
    print("DATA", target, "fsync-ms", "%.2f" % (j["sync"]["lat_ns"]["mean"] / 1e6))
PY
}
# Every target is mounted at once and each workload runs on all of them in turn, so a Cairn server and its
# peer are measured minutes apart at most (the build machine's load changes a lot over a run).
direct=""
bdir() { echo "/mnt/$1/bench-$1"; }  # Cairn's NFS and 9P targets share one file system: one directory each
for t in $targets; do
  mkdir -p "/mnt/$t" && mount_target "$t" "/mnt/$t" || { dmesg | tail -n 5; die "$t: mount"; }
  mkdir -p "$(bdir "$t")"
  # O_DIRECT where the client supports it (else the guest's page cache would serve the reads)
  d=1; fio --name=probe --directory="$(bdir "$t")" --filename=probe --size=64k --bs=4k --rw=write --ioengine=libaio --direct=1 \
    > /tmp/probe.err 2>&1 || { d=0; echo "bench: $t: buffered I/O ($(grep -m1 'err=' /tmp/probe.err))"; }
  rm -f "$(bdir "$t")/probe"; echo "DATA $t direct $d"; direct="$direct $t=$d"
done
echo "bench: all targets mounted; O_DIRECT:$direct"
dflag() { echo "$direct" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
each() { # each LABEL CMD...: runs "CMD TARGET" for every target, timing the round
  label="$1"; shift; t0=$(now_ms)
  for t in $targets; do "$@" "$t"; done
  echo "bench: $label on all targets in $(( ($(now_ms) - t0) / 1000 )) s"
}
randwrite() { job "$1" randwrite --filename=rand.dat --size=32m --bs=4k --ioengine=libaio --iodepth=16 --direct="$(dflag "$1")" --time_based --runtime="$SECS" --rw=randwrite; }
randread()  { drop_caches; job "$1" randread --filename=rand.dat --size=32m --bs=4k --ioengine=libaio --iodepth=16 --direct="$(dflag "$1")" --time_based --runtime="$SECS" --rw=randread; }
seqwrite()  { job "$1" seqwrite --filename=seq.dat --size=64m --bs=1m --ioengine=libaio --iodepth=4 --direct="$(dflag "$1")" --rw=write --end_fsync=1; }
seqread()   { drop_caches; job "$1" seqread --filename=seq.dat --size=64m --bs=1m --ioengine=libaio --iodepth=4 --direct="$(dflag "$1")" --rw=read; }
fsyncw()    { job "$1" fsync --filename=fsync.dat --size=8m --bs=4k --ioengine=sync --rw=write --fsync=1 --time_based --runtime="$SECS"; }
md()        { mkdir -p "$(bdir "$2")/md"; job "$2" "$1" --directory="$(bdir "$2")/md" --filename_format=f\$filenum --nrfiles="$FILES" --filesize=4k --openfiles=1 --create_on_open=1 --ioengine="$3"; }
mdcreate()  { md md-create "$1" filecreate; }
mdstat()    { drop_caches; md md-stat "$1" filestat; }
mdunlink()  { drop_caches; md md-unlink "$1" filedelete; }
case " $ONLY " in *" io "*)
  each "4 KiB randwrite" randwrite; each "4 KiB randread" randread
  each "1 MiB seq write" seqwrite; each "1 MiB seq read" seqread; each "write+fsync" fsyncw ;;
esac
case " $ONLY " in *" md "*) each "create" mdcreate; each "stat" mdstat; each "unlink" mdunlink ;; esac
for t in $targets; do umount "/mnt/$t" || { echo "FAIL $t: unmount"; failed=1; }; done
nbd-client -d /dev/nbd0 > /dev/null; nbd-client -d /dev/nbd1 > /dev/null
exit $failed
GUEST
guest_start bench 3000
bench_rc=0; guest_finish bench || bench_rc=$?
guest_data bench > "$CAIRN_E2E_WORK/bench.data"

# The table: per workload, Cairn / peer for each protocol, and the local disk (absolute guest figures are
# in the columns too, for the record; they only mean something relative to each other).
bench_table() {
  awk '
    { v[$1 " " $2] = $3 }
    function cell(t, m) { return ((t " " m) in v) ? v[t " " m] : "-" }
    function ratio(a, b, m) {
      if (!((a " " m) in v) || !((b " " m) in v) || v[b " " m] == 0) return "-"
      r = v[a " " m] / v[b " " m]; if (m == "fsync-ms") r = 1 / r   # latency: higher is worse
      return sprintf("**%.2f**", r)
    }
    END {
      split("randwrite randread seqwrite seqread fsync fsync-ms md-create md-stat md-unlink", ms, " ")
      name["randwrite"] = "4 KiB randwrite (IOPS, qd16)"; name["randread"] = "4 KiB randread (IOPS, qd16)"
      name["seqwrite"] = "1 MiB seq write (MiB/s)"; name["seqread"] = "1 MiB seq read (MiB/s)"
      name["fsync"] = "4 KiB write+fsync (/s)"; name["fsync-ms"] = "fsync latency (ms, mean)"
      name["md-create"] = "create files (/s)"; name["md-stat"] = "stat (/s, cold)"; name["md-unlink"] = "unlink (/s)"
      print "| workload | Cairn NFS | ganesha | **NFS ratio** | Cairn 9P | diod | **9P ratio** | Cairn NBD | nbdkit | **NBD ratio** | local disk |"
      print "|---|---|---|---|---|---|---|---|---|---|---|"
      for (i = 1; i <= 9; i++) {
        m = ms[i]
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name[m],
          cell("cairn-nfs", m), cell("ganesha-nfs", m), ratio("cairn-nfs", "ganesha-nfs", m),
          cell("cairn-9p", m), cell("diod-9p", m), ratio("cairn-9p", "diod-9p", m),
          cell("cairn-nbd", m), cell("nbdkit-nbd", m), ratio("cairn-nbd", "nbdkit-nbd", m), cell("local-disk", m)
      }
      printf "\nO_DIRECT: cairn-nfs=%s ganesha-nfs=%s cairn-9p=%s diod-9p=%s cairn-nbd=%s nbdkit-nbd=%s local-disk=%s\n",
        cell("cairn-nfs", "direct"), cell("ganesha-nfs", "direct"), cell("cairn-9p", "direct"), cell("diod-9p", "direct"),
        cell("cairn-nbd", "direct"), cell("nbdkit-nbd", "direct"), cell("local-disk", "direct")
    }' "$CAIRN_E2E_WORK/bench.data"
}
echo; echo "bench: ratio = Cairn / peer (> 1: Cairn faster; fsync latency inverted so > 1 is still better)"
bench_table | tee "${CAIRN_E2E_BENCH_TABLE:-/dev/null}"
[ "$bench_rc" -eq 0 ] || { echo "e2e bench: some workloads failed (see FAIL lines)"; exit "$bench_rc"; }
