#!/usr/bin/env bash
# Creates a test network: PREFIX-hub holds bridge br0; PREFIX-ctl (the control JVM, 10.231.0.1), PREFIX-s3
# (the S3 server, 10.231.0.2) and PREFIX-n1..nN (nodes, 10.231.0.11..) each get eth0 on it. Nothing routes
# anywhere else: no namespace has a default route, so test traffic cannot leave these namespaces.
#   jepsen/net/up.sh PREFIX NODES
set -euo pipefail
p="$1"; nodes="$2"
[[ "$p" =~ ^[a-z0-9]{2,10}$ ]] || { echo "up.sh: prefix must be 2-10 of a-z0-9" >&2; exit 2; }
hub="$p-hub"
ip netns add "$hub"
ip -n "$hub" link set lo up
ip -n "$hub" link add br0 type bridge
ip -n "$hub" link set br0 up
join() { # join NAME ADDRESS
  local ns="$p-$1"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "$hub" link add "v$1" type veth peer name eth0 netns "$ns"
  ip -n "$hub" link set "v$1" master br0 up
  ip -n "$ns" addr add "$2/24" dev eth0
  ip -n "$ns" link set eth0 up
}
join ctl 10.231.0.1
join s3 10.231.0.2
for i in $(seq 1 "$nodes"); do join "n$i" "10.231.0.$((10 + i))"; done
