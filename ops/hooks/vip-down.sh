#!/bin/sh
# on_demote hook: drop the VIP. Safe to run when the address is absent.
set -u
VIP="${CAIRN_VIP:-192.0.2.10/24}"; DEV="${CAIRN_VIP_DEV:-eth0}"
ip addr del "$VIP" dev "$DEV" 2>/dev/null || true
logger -t cairn "node $CAIRN_NODE_ID released VIP $VIP (epoch $CAIRN_EPOCH)"
