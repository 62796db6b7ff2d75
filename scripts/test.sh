#!/usr/bin/env bash
# Runs Capstan's whole test suite on a fresh Debian machine: installs what it needs, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# One layout for the whole tree (.swift-format: 4 spaces, 120 columns); `swift format -i -r Sources Tests
# Package.swift` fixes what this reports.
swift format lint --strict -r Sources Tests Package.swift
swift build --build-tests
# The suites run at once, each with its servers and clients: about 1,200 descriptors at the peak, over the
# 1,024 that many machines allow by default. Raise the soft limit as far as the hard one allows.
soft=$(ulimit -n)
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then hard=65536; fi
if ! ulimit -n "$hard"; then echo "note: cannot raise the open-file limit above $soft" >&2; fi
echo "open-file limit for the tests: $(ulimit -n) (was $soft)"
swift test --skip-build
