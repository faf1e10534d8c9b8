#!/usr/bin/env bash
# Replay the committed inputs through every fuzz target, once each, no fuzzing:
# fuzz/seeds/TARGET/* and crates/preflight/tests/data/regression/TARGET/*. A crash found
# once stays found: any of them failing a target's assertions fails this script. Run by
# .ci/run (a few seconds per target once the targets are built).
set -euo pipefail
cd "$(dirname "$0")"
shopt -s nullglob
mapfile -t targets < <(cargo +nightly fuzz list)
for t in "${targets[@]}"; do
    inputs=(seeds/"$t"/* ../crates/preflight/tests/data/regression/"$t"/*.bin)
    if [ ${#inputs[@]} -eq 0 ]; then
        echo "   $t: no committed inputs"
        continue
    fi
    echo "   $t: ${#inputs[@]} inputs"
    # Only files are given, so libFuzzer runs each one once and exits.
    cargo +nightly fuzz run "$t" "${inputs[@]}" -- -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=1024 >"${TMPDIR:-/tmp}/replay-$t.log" 2>&1 ||
        { tail -n 40 "${TMPDIR:-/tmp}/replay-$t.log"; echo "replay of $t failed" >&2; exit 1; }
done
