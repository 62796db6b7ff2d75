#!/usr/bin/env bash
# Installs every system package Capstan and its tests need on a fresh Debian machine.
# Idempotent: when everything is present it only checks and exits (well under a second).
set -euo pipefail

packages=(libgit2-dev pkg-config libsqlite3-dev git docker-registry prometheus curl openssl openssh-server openssh-client jq jsonnet)
# kubectl: keep the machine's own if it has one; Debian ships it as kubernetes-client.
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "capstan: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# The Debian packages of docker-registry and prometheus start system services; Capstan's tests
# start their own instances on ephemeral ports, so keep the packaged services from starting.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
