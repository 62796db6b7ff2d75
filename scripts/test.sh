#!/usr/bin/env bash
# Runs Capstan's whole test suite on a fresh Debian machine: installs what it needs, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# One layout for the whole tree (.swift-format: 4 spaces, 120 columns); `swift format -i -r Sources Tests
# Package.swift` fixes what this reports.
swift format lint --strict -r Sources Tests Package.swift
swift build --build-tests
swift test --skip-build
