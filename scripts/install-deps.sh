#!/usr/bin/env bash
# Installs every system package Capstan and its tests need on a fresh Debian machine.
# Idempotent: when everything is present it only checks and exits (well under a second).
set -euo pipefail

packages=(libgit2-dev pkg-config libsqlite3-dev git docker-registry prometheus curl openssl openssh-server openssh-client jq jsonnet apache2-utils)
# kubectl: keep the machine's own if it has one; Debian ships it as kubernetes-client.
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)

# Helm: Debian has no helm, so Capstan loads Helm's Go SDK in-process from helm-c's libhelm_c.so, the
# library PyPI's helm-python-sdk ships (only the library is taken from the wheel; no Python code runs).
helm_version=0.2.2
helm_dir=/usr/local/lib/capstan
helm_lib=$helm_dir/libhelm_c.so

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
helm_ok=0
[ -f "$helm_dir/helm-c-$helm_version" ] && [ -f "$helm_lib" ] && helm_ok=1
# The official Kubernetes Python client, which the tests use as a typed client (it checks every field's type);
# installed into its own folder, used with PYTHONPATH, so no Python environment of the machine changes.
python_client_version=37.0.2
python_client_dir=$helm_dir/python
python_ok=0
[ -f "$python_client_dir/.kubernetes-$python_client_version" ] && python_ok=1
[ ${#missing[@]} -eq 0 ] && [ $helm_ok -eq 1 ] && [ $python_ok -eq 1 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

install_helm() {
    local work
    work=$(mktemp -d)
    echo "capstan: installing libhelm_c.so $helm_version (from PyPI's helm-python-sdk)" >&2
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" "helm-python-sdk==$helm_version"
    python3 - "$work" <<'PY'
import glob, sys, zipfile
work = sys.argv[1]
wheel = glob.glob(work + "/helm_python_sdk-*.whl")[0]
with zipfile.ZipFile(wheel) as archive:
    with archive.open("helm_python/lib/libhelm_c.so") as source, open(work + "/libhelm_c.so", "wb") as target:
        target.write(source.read())
PY
    $sudo mkdir -p "$helm_dir"
    $sudo install -m 0755 "$work/libhelm_c.so" "$helm_lib"
    $sudo touch "$helm_dir/helm-c-$helm_version"
    rm -rf "$work"
}
[ $helm_ok -eq 1 ] || install_helm
if [ $python_ok -eq 0 ]; then
    echo "capstan: installing the Kubernetes Python client $python_client_version (for the tests)" >&2
    $sudo rm -rf "$python_client_dir"
    PIP_ROOT_USER_ACTION=ignore $sudo python3 -m pip install --quiet --disable-pip-version-check --no-warn-conflicts --target "$python_client_dir" \
        "kubernetes==$python_client_version"
    $sudo touch "$python_client_dir/.kubernetes-$python_client_version"
fi
[ ${#missing[@]} -eq 0 ] && exit 0
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
