#!/usr/bin/env bash
# Run one fuzz target for a fixed time: fuzz/run.sh TARGET [SECONDS=600]
# Single process (one core), fork mode so a crash is saved to artifacts/TARGET/ and fuzzing
# carries on; the working corpus (corpus/TARGET, gitignored) starts from seeds/TARGET.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
secs=${2:-600}
mkdir -p "corpus/$target" "artifacts/$target"
exec cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$secs" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 \
    -artifact_prefix="artifacts/$target/"
