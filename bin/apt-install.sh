#!/usr/bin/env bash
# Installs the given Debian packages that are missing, from the machine's configured apt sources.
# Idempotent; fails loudly when a package cannot be installed. Usage: bin/apt-install.sh WHO PKG...
set -euo pipefail
who="$1"; shift
missing=()
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then echo "$who: all present ($*)"; exit 0; fi
echo "$who: installing ${missing[*]}"
sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq || echo "$who: apt-get update failed; trying with the cached lists" >&2
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
for p in "${missing[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || { echo "$who: FAILED to install $p" >&2; exit 1; }; done
