# posix: our pjdfstest-style conformance checks (suites/posix/checks.sh) on a local ext4 (the reference, which
# validates the expectations), on the NFS mount and on the 9P mount; one boot. Fails if any check fails.
write_config
start_server
posix="$CAIRN_TOP/e2e/suites/posix"
{
  echo "cat > /tmp/pj.pl <<'PJ_EOF'"; cat "$posix/pj.pl"; echo "PJ_EOF"
  echo "cat > /tmp/checks.sh <<'CHECKS_EOF'"; cat "$posix/checks.sh"; echo "CHECKS_EOF"
  cat <<'GUEST'
set -u
export PJ=/tmp/pj.pl
mkdir -p /mnt/ref /mnt/nfs /mnt/9p
truncate -s 128M /tmp/ref.img && mkfs.ext4 -q -b 4096 /tmp/ref.img && mount -o loop /tmp/ref.img /mnt/ref
mount -t nfs -o vers=3,proto=tcp,port=2049,mountport=2049,mountproto=tcp,nolock 10.0.2.2:/ /mnt/nfs
mount -t 9p -o trans=tcp,port=5564,version=9p2000.L,msize=1048576,cache=mmap,access=user 10.0.2.2 /mnt/9p
bad=0; summary=""
for fs in ref:/mnt/ref nfs:/mnt/nfs 9p:/mnt/9p; do
  label="${fs%%:*}"; dir="${fs#*:}/posix-$label"
  rm -rf "$dir"; mkdir "$dir"
  ( cd "$dir" && FS="$label" && . /tmp/checks.sh && echo "COUNT $pass $fail" ) > "/tmp/out.$label" 2>&1
  grep -v '^COUNT' "/tmp/out.$label"
  set -- $(sed -n 's/^COUNT //p' "/tmp/out.$label") x x
  [ "$1" = x ] && { echo "FAIL $label: the checks did not finish"; bad=1; continue; }
  [ "$2" = 0 ] || bad=1
  summary="$summary$(printf '\nposix %-3s %3d/%d passed' "$label" "$1" $(($1 + $2)))"
done
echo "$summary"
exit $bad
GUEST
} > "$CAIRN_E2E_WORK/posix-guest.sh"
guest "$CAIRN_E2E_WORK/posix-guest.sh" 1500
