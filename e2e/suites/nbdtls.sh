# nbdtls: the kernel NBD client over TLS. A throwaway CA, a server certificate and a client certificate are made
# with openssl on the host (in the work dir); Cairn runs with [servers.nbd] tls = "required" and tls_ca (mutual
# TLS). In the guest nbd-client (GnuTLS; it proxies the TLS stream for the kernel's /dev/nbd0) attaches over TLS,
# ext4 is made, a file written and synced; after a disconnect and a fresh TLS attach the checksums match.
# Refused: a plain (non-TLS) nbd-client, and a TLS client that trusts another CA (the server is not who it says).
"$CAIRN_TOP/bin/apt-install.sh" "e2e nbdtls" openssl
tls="$CAIRN_E2E_WORK/tls"; mkdir -p "$tls"
ca() { # ca NAME: a self-signed EC CA in $tls/NAME-{key,cert}.pem
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=Cairn e2e $1" \
    -keyout "$tls/$1-key.pem" -out "$tls/$1-cert.pem" 2> /dev/null
}
leaf() { # leaf NAME CN EXTENSIONS: a certificate signed by the e2e CA in $tls/NAME-{key,cert}.pem
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
    -keyout "$tls/$1-key.pem" -out "$tls/$1.csr" 2> /dev/null
  printf '%b' "$3" > "$tls/$1.ext"
  openssl x509 -req -in "$tls/$1.csr" -CA "$tls/ca-cert.pem" -CAkey "$tls/ca-key.pem" -CAcreateserial -days 2 \
    -extfile "$tls/$1.ext" -out "$tls/$1-cert.pem" 2> /dev/null
}
ca ca; ca other
# the guest reaches the server as 10.0.2.2 and checks the certificate against -tlshostname
leaf server nbd.cairn.test 'subjectAltName=DNS:nbd.cairn.test,IP:10.0.2.2,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
leaf client e2e-guest 'extendedKeyUsage=clientAuth\n'
chmod 600 "$tls"/*-key.pem
for f in server client; do
  openssl verify -CAfile "$tls/ca-cert.pem" "$tls/$f-cert.pem" > /dev/null || { echo "e2e nbdtls: openssl made a bad $f certificate"; exit 1; }
done

write_config
sed -i "/^addresses = \[\"127.0.0.1:10809\"\]/a tls = \"required\"\ntls_cert = \"$tls/server-cert.pem\"\ntls_key = \"$tls/server-key.pem\"\ntls_ca = \"$tls/ca-cert.pem\"" \
  "$CAIRN_E2E_WORK/cairn.toml"
grep -q '^tls = "required"' "$CAIRN_E2E_WORK/cairn.toml" || { echo "e2e nbdtls: could not set tls in the config"; exit 1; }
start_server
grep -q 'NBD: TLS required' "$CAIRN_E2E_WORK/server.log" || { echo "e2e nbdtls: the server did not log 'NBD: TLS required'"; exit 1; }
"$CAIRN_TOP/cairn" nbd create -c "$CAIRN_E2E_WORK/cairn.toml" tls 256M > /dev/null

{ # the PEM files travel inside the guest script (the guest sees nothing of the host's disk)
  echo "mkdir -p /etc/nbd-tls /etc/nbd-other"
  for f in ca-cert client-cert client-key; do
    printf "cat > /etc/nbd-tls/%s.pem <<'PEM'\n%s\nPEM\n" "$f" "$(cat "$tls/$f.pem")"
  done
  printf "cat > /etc/nbd-other/ca-cert.pem <<'PEM'\n%s\nPEM\n" "$(cat "$tls/other-cert.pem")"
  cat <<'GUEST'
chmod 600 /etc/nbd-tls/client-key.pem
# tls_attach DEVICE [CA_FILE]: nbd-client over TLS with the client certificate; nbd-client's stderr in /tmp/nbd.err
tls_attach() {
  nbd-client 10.0.2.2 10809 "$1" -N tls -cacertfile "${2:-/etc/nbd-tls/ca-cert.pem}" \
    -certfile /etc/nbd-tls/client-cert.pem -keyfile /etc/nbd-tls/client-key.pem -tlshostname nbd.cairn.test \
    > /tmp/nbd.err 2>&1
}
attached() { [ "$(cat "/sys/block/$1/size")" -gt 0 ]; }  # the kernel device has a size only while connected
refused() { [ "$1" != 0 ] && ! attached nbd1; }  # refused NBD_CLIENT_EXIT_STATUS
echo "nbdtls: $(nbd-client -V 2>&1 | head -n1)"

nbd-client 10.0.2.2 10809 /dev/nbd1 -N tls > /tmp/plain.err 2>&1; rc=$?
echo "nbdtls: plain nbd-client said: $(tr '\n' ' ' < /tmp/plain.err | cut -c1-200)"
check "nbdtls: a plain (non-TLS) nbd-client is refused (exit $rc, /dev/nbd1 not attached)" refused $rc

tls_attach /dev/nbd1 /etc/nbd-other/ca-cert.pem; rc=$?
echo "nbdtls: TLS client trusting another CA said: $(tr '\n' ' ' < /tmp/nbd.err | cut -c1-200)"
check "nbdtls: a TLS client that trusts another CA refuses the server (exit $rc, /dev/nbd1 not attached)" refused $rc
attached nbd1 && nbd-client -d /dev/nbd1 > /dev/null 2>&1

t0=$(now_ms)
tls_attach /dev/nbd0 || { cat /tmp/nbd.err; die "nbdtls: nbd-client over TLS could not attach the export"; }
check "nbdtls: nbd-client attached /dev/nbd0 over TLS ($(( $(cat /sys/block/nbd0/size) / 2048 )) MiB) in $(( $(now_ms) - t0 )) ms" attached nbd0
mkdir -p /mnt/tls
mkfs.ext4 -q -F -E nodiscard /dev/nbd0 && mount /dev/nbd0 /mnt/tls || die "nbdtls: mkfs.ext4 + mount over TLS"
t0=$(now_ms)
mkdir -p /mnt/tls/tree
for i in 1 2 3 4 5 6 7 8; do dd if=/dev/urandom of="/mnt/tls/tree/f$i" bs=64k count=$((i * 4)) status=none; done
dd if=/dev/urandom of=/mnt/tls/big bs=1M count=16 status=none
sync
ms=$(( $(now_ms) - t0 ))
(cd /mnt/tls && sha256sum big tree/*) > /tmp/sums
echo "nbdtls: wrote and synced 25 MiB in 9 files over TLS in $ms ms"
umount /mnt/tls && nbd-client -d /dev/nbd0 > /dev/null 2>&1
for _ in $(seq 1 50); do attached nbd0 || break; sleep 0.2; done
check "nbdtls: unmounted and disconnected" sh -c '! grep -q " /mnt/tls " /proc/mounts && [ "$(cat /sys/block/nbd0/size)" = 0 ]'
echo 3 > /proc/sys/vm/drop_caches

tls_attach /dev/nbd0 || { cat /tmp/nbd.err; die "nbdtls: the second TLS attach failed"; }
fsck_clean() { e2fsck -fn /dev/nbd0 > /tmp/fsck.log 2>&1 || { tail -n 5 /tmp/fsck.log; return 1; }; }
check "nbdtls: e2fsck -fn clean after the reconnect" fsck_clean
mount /dev/nbd0 /mnt/tls || die "nbdtls: remount over TLS"
t0=$(now_ms)
check "nbdtls: all 9 files read back over a new TLS connection match their sha256" sh -c 'cd /mnt/tls && sha256sum -c --quiet /tmp/sums'
echo "nbdtls: read back 25 MiB over TLS in $(( $(now_ms) - t0 )) ms"
umount /mnt/tls; nbd-client -d /dev/nbd0 > /dev/null 2>&1
exit $failed
GUEST
} | guest_script nbdtls
guest "$CAIRN_E2E_WORK/nbdtls.sh" 900
echo "nbdtls: server log on refused clients:"; grep -E 'TLS handshake|TLS_REQD|requires TLS' "$CAIRN_E2E_WORK/server.log" | tail -n 5 || true
