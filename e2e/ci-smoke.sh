#!/usr/bin/env bash
# CI smoke for real kernel clients: builds the guest when it is not cached (once, a few minutes; set
# CAIRN_E2E_CACHE to share a cache), then runs the smoke suite (one TCG boot). Needs root and
# qemu-system-x86 + debootstrap (installed on demand). Prints the elapsed time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$SECONDS
"$here/run.sh" smoke
echo "e2e ci-smoke: passed in $((SECONDS - start)) s"
