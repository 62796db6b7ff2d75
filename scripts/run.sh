#!/usr/bin/env bash
# Runs Capstan's main job on a fresh Debian machine: installs what it needs, builds, and starts the
# embedded cluster (for now; later the full demo). Extra arguments go to `capstan cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product capstan
exec .build/release/capstan cluster "$@"
