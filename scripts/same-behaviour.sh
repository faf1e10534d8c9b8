#!/usr/bin/env bash
# Prove that a change keeps behaviour: run two builds of `preflight` on the same inputs and
# compare what they print and write.
#
#   scripts/same-behaviour.sh OLD_BIN NEW_BIN [SEEDS]
#
# - `check --json` on every image under ../shared/data (when present) and on the synthetic
#   captures of SEEDS (default 0..40, every variant at 1600x1200): identical output;
# - `eval --json` on SEEDS and the labelled sets: identical once the timing fields are
#   dropped (`time`, `check_ms`);
# - `fix` and `package` on a few renders: byte-identical files.
#
# Build OLD_BIN from the commit before the change, e.g.
#   git worktree add /tmp/old HEAD~1 && cargo build --release -p preflight-cli \
#     --manifest-path /tmp/old/Cargo.toml --target-dir /tmp/old-target
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1")
new=$(realpath "$2")
seeds="${3:-0..40}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=../shared/data
fail=0
same() { # label, file a, file b
    if cmp -s "$2" "$3"; then
        echo "same: $1"
    else
        echo "DIFFERENT: $1 ($2 vs $3)" >&2
        fail=1
    fi
}

# The synthetic captures: every variant of every seed, rendered once by the old binary.
mkdir -p "$work/synth"
first=${seeds%..*}
last=${seeds#*..}
variants=$("$old" synth --variant '?' -o "$work/none.jpg" 2>&1 | sed -n 's/.*known: //p' | tr -d ',' || true)
[ -n "$variants" ] || { echo "could not list the generator's variants" >&2; exit 2; }
for seed in $(seq "$first" $((last - 1))); do
    for v in $variants; do
        "$old" synth --seed "$seed" --width 1600 --height 1200 --variant "$v" \
            -o "$work/synth/s${seed}_$v.jpg" >/dev/null 2>&1
    done
done
echo "rendered $(find "$work/synth" -name '*.jpg' | wc -l) captures ($seeds)"
# Full-size inputs for `package` (a 1600 px render is below the document classes' minimum).
"$old" synth --seed "$first" -o "$work/pk_front.jpg" >/dev/null 2>&1
"$old" synth --seed "$first" --variant tilted_15 -o "$work/pk_selfie.jpg" >/dev/null 2>&1

targets=("$work/synth")
[ -d "$data" ] && targets+=("$data") || echo "SKIPPED: $data is absent (only the renders are compared)"
for bin in old new; do
    b=${!bin}
    "$b" check --json "${targets[@]}" >"$work/check.$bin.json" 2>/dev/null || true
    args=(--seeds "$seeds" --json --jobs 2)
    [ -d "$data" ] && args+=(--real "$data")
    "$b" eval "${args[@]}" 2>/dev/null |
        python3 -c 'import json,sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("time", "check_ms")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
json.dump(strip(json.load(sys.stdin)), sys.stdout, sort_keys=True)' >"$work/eval.$bin.json"
    mkdir -p "$work/out.$bin"
    for f in "$work"/synth/s${first}_good.jpg "$work"/synth/s${first}_tilted_30.jpg; do
        "$b" fix "$f" -o "$work/out.$bin/$(basename "$f" .jpg).fixed.jpg" >/dev/null 2>&1 || true
    done
    "$b" package --country NG --id-front "$work/pk_front.jpg" --selfie "$work/pk_selfie.jpg" \
        --output "$work/out.$bin/job.zip" >/dev/null 2>&1 || true
done
echo "check: $(grep -c '"type":"report"' "$work/check.new.json") reports"
same "check --json" "$work/check.old.json" "$work/check.new.json"
same "eval --json (timings dropped)" "$work/eval.old.json" "$work/eval.new.json"
for f in "$work"/out.old/*; do
    same "$(basename "$f")" "$f" "$work/out.new/$(basename "$f")"
done
[ -s "$work/out.new/job.zip" ] || { echo "package wrote no zip" >&2; fail=1; }
exit $fail
