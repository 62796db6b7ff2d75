#!/usr/bin/env bash
# Fuzzes Capstan's parsers and patch engines with libFuzzer: the JSON parser, YAML decoding, label and field
# selectors, the four patch types and request-path parsing.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 seconds, every target)
# Builds into .build-fuzz (instrumented, kept apart from the ordinary build). The seeds in Fuzz/corpus/TARGET
# are read; new inputs that reach new code go to .build-fuzz/corpus/TARGET. A crash leaves its input as
# crash-* in the current folder and fails the script: add that input to Fuzz/corpus/TARGET with the fix,
# and the test suite replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(json yaml labelSelector fieldSelector mergePatch jsonPatch strategicMergePatch apply requestPath)

scripts/install-deps.sh
swift build --product capstan-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -D -Xswiftc CAPSTAN_LIBFUZZER
binary=.build-fuzz/debug/capstan-fuzz

for target in "${targets[@]}"; do
    mkdir -p ".build-fuzz/corpus/$target"
    echo "fuzzing $target for ${seconds}s" >&2
    log=$(mktemp)
    # The Swift runtime's own crash backtracer trips AddressSanitizer; libFuzzer reports crashes itself.
    export SWIFT_BACKTRACE=enable=no
    if ! CAPSTAN_FUZZ_TARGET=$target "$binary" ".build-fuzz/corpus/$target" "Fuzz/corpus/$target" \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1
    then
        tail -n 60 "$log" >&2
        echo "capstan: fuzzing $target found a problem; the input is in ./crash-* (or leak-*, timeout-*, oom-*)" >&2
        exit 1
    fi
    grep -E '^(stat::number_of_executed_runs|Done)' "$log" >&2 || true
    rm -f "$log"
done
echo "capstan: no crash in ${#targets[@]} targets x ${seconds}s" >&2
