#!/bin/sh
# on_promote hook without keepalived: take the VIP and announce it (gratuitous ARP).
# Cairn runs it after it claimed epoch $CAIRN_EPOCH and opened the engine as writer.
set -eu
VIP="${CAIRN_VIP:-192.0.2.10/24}"; DEV="${CAIRN_VIP_DEV:-eth0}"
ip addr replace "$VIP" dev "$DEV"
arping -c 3 -A -I "$DEV" "${VIP%/*}" >/dev/null 2>&1 || true
logger -t cairn "node $CAIRN_NODE_ID took VIP $VIP at epoch $CAIRN_EPOCH"
