#!/usr/bin/env bash
# Runs nfs-ganesha 4.x (VFS FSAL, NFSv3 over TCP on 127.0.0.1: NFS 20490, MOUNT 20491) in the foreground inside
# network namespace NS, exporting WORK/ganesha (config, log and pid file in WORK). ganesha refuses to start
# without registering with rpcbind, so it gets a private rpcbind in a private mount namespace: neither touches
# the host's /run. Clients pass port= and mountport= and never ask rpcbind. Usage: bin/ganesha-in-ns.sh NS WORK
set -euo pipefail
ns="$1"; work="$2"
mkdir -p "$work/ganesha"
cat > "$work/ganesha.conf" <<CONF
NFS_CORE_PARAM { Protocols = 3; NFS_Port = 20490; MNT_Port = 20491; NLM_Port = 20492; Rquota_Port = 20493;
                 Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; }
NFS_KRB5 { Active_krb5 = false; }
NFSV4 { Graceless = true; }
EXPORT { Export_Id = 1; Path = $work/ganesha; Pseudo = /ganesha; Access_Type = RW; Squash = No_Root_Squash;
         Protocols = 3; Transports = TCP; SecType = sys; FSAL { Name = VFS; } }
CONF
exec ip netns exec "$ns" unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir /run/rpcbind && rpcbind -f -w &
  sleep 1; exec ganesha.nfsd -F -N NIV_EVENT -f "$1/ganesha.conf" -L "$1/ganesha.log" -p "$1/ganesha.nfsd-pid"' \
  sh "$work"
