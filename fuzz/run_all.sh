#!/usr/bin/env bash
# Run every fuzz target (or the ones named) for a CPU budget, JOBS at a time, and write the
# results into the table in docs/fuzzing.md:
#   fuzz/run_all.sh CPU_SECONDS [JOBS=nproc] [TARGET...]     (ROUND=600 wall s per round)
# The table has one row per target; a run replaces the rows of the targets it ran and keeps
# the others, so a long campaign can be split over several runs (each row says when it ran
# and on which commit).
#
# Each target runs through fuzz/run.sh (one fork-mode worker, so a target uses about one
# core; crashes are saved to artifacts/TARGET/ and fuzzing carries on), in rounds until the
# target has used CPU_SECONDS of CPU. The targets are built once before the clock starts.
# Per target it measures the wall time and the CPU time of the run (user + sys of the whole
# process tree, from bash's `time`, summed over the rounds), and reads executions (summed),
# coverage and corpus size from libFuzzer's last status line. Every crash, timeout or OOM
# file that appeared during the run is copied to
# crates/preflight/tests/data/regression/TARGET/<sha1>.bin, where the test suite
# (tests/it/regression.rs) and .ci/run (fuzz/replay.sh) replay it from then on.
# Logs: fuzz/logs/<UTC timestamp>/TARGET.log.
set -euo pipefail
cd "$(dirname "$0")"
budget=${1:?usage: fuzz/run_all.sh CPU_SECONDS [JOBS] [TARGET...]}
jobs=${2:-$(nproc)}
shift $(($# < 2 ? $# : 2))
cores=$(nproc)
regression=../crates/preflight/tests/data/regression
doc=../docs/fuzzing.md

commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain -- ../crates/preflight/src ../Cargo.lock . 2>/dev/null | grep -v '^??')" ]; then
    commit="$commit + uncommitted changes"
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
logs=logs/$stamp
mkdir -p "$logs"

echo "== building every target (cargo +nightly fuzz build)"
cargo +nightly fuzz build
mapfile -t all < <(cargo +nightly fuzz list)
if [ $# -gt 0 ]; then
    for t in "$@"; do
        printf '%s\n' "${all[@]}" | grep -qxF "$t" || { echo "no fuzz target named $t (have: ${all[*]})" >&2; exit 2; }
    done
    targets=("$@")
else
    targets=("${all[@]}")
fi

# The artifacts present before the run, so only new ones are counted.
for t in "${targets[@]}"; do
    mkdir -p "artifacts/$t"
    ls "artifacts/$t" | sort >"$logs/$t.before"
done

# Each target fuzzes until its process tree has used BUDGET CPU-seconds, in rounds of at most
# ROUND seconds of wall clock that resume from the working corpus: on a busy machine the run
# takes longer instead of fuzzing less. A round that uses under a CPU-second (the target
# does not start) ends the target's run.
ROUND=${ROUND:-600}
run_one() {
    local t=$1 used=0 round=0 before
    local TIMEFORMAT='%R %U %S'
    : >"$logs/$t.time"
    : >"$logs/$t.log"
    while [ "$used" -lt "$budget" ]; do
        local left=$((budget - used))
        local chunk=$((left < ROUND ? left : ROUND))
        [ "$chunk" -ge 10 ] || chunk=10
        round=$((round + 1))
        echo "== round $round: ${chunk}s" >>"$logs/$t.log"
        before=$used
        { time ./run.sh "$t" "$chunk" >>"$logs/$t.log" 2>&1; } 2>>"$logs/$t.time" || true
        used=$(awk '{ c += $2 + $3 } END { printf "%d", c }' "$logs/$t.time")
        [ "$used" -gt "$before" ] || break
    done
}

echo "== fuzzing ${#targets[@]} targets for ${budget} CPU-seconds each, $jobs at a time ($cores cores); logs in fuzz/$logs"
running=0
for t in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    echo "   start $t ($(date -u +%H:%M:%S))"
    run_one "$t" &
    running=$((running + 1))
done
wait

started=$(date -u -d "${stamp:0:8} ${stamp:9:2}:${stamp:11:2}:${stamp:13:2}" '+%Y-%m-%d %H:%M' 2>/dev/null || echo "$stamp")
rows=$(mktemp)
found=0
for t in "${targets[@]}"; do
    # Summed over the rounds: wall clock, CPU (user + sys), executions (each round's last
    # status line counts from zero); coverage and corpus from the last round.
    wall=$(awk '{ w += $1 } END { printf "%.0f", w }' "$logs/$t.time")
    cpu=$(awk '{ c += $2 + $3 } END { printf "%.1f", c / 60 }' "$logs/$t.time")
    # Fork mode: "#EXECS: cov: C ft: F corp: N exec/s: E oom/timeout/crash: a/b/c time: T ..."
    status=$(grep -E '^#[0-9]+: cov: ' "$logs/$t.log" | tail -n 1 || true)
    execs=$(awk '/^== round / { total += last; last = 0 }
        /^#[0-9]+: cov: / { sub(/^#/, ""); sub(/:.*/, ""); last = $0 }
        END { printf "%d", total + last }' "$logs/$t.log")
    cov=$(sed -E 's/.* cov: ([0-9]+).*/\1/' <<<"$status")
    ft=$(sed -E 's/.* ft: ([0-9]+).*/\1/' <<<"$status")
    corp=$(sed -E 's/.* corp: ([0-9]+).*/\1/' <<<"$status")
    [ -n "$status" ] || { execs='?'; cov='?'; ft='?'; corp='?'; }
    ls "artifacts/$t" | sort >"$logs/$t.after"
    new=$(comm -13 "$logs/$t.before" "$logs/$t.after")
    crashes=$(grep -c '^crash-' <<<"$new" || true)
    timeouts=$(grep -c '^timeout-' <<<"$new" || true)
    ooms=$(grep -c '^oom-' <<<"$new" || true)
    for f in $new; do
        case $f in crash-* | timeout-* | oom-*) ;; *) continue ;; esac
        mkdir -p "$regression/$t"
        cp "artifacts/$t/$f" "$regression/$t/${f#*-}.bin"
        echo "   $t: $f -> crates/preflight/tests/data/regression/$t/${f#*-}.bin"
        found=$((found + 1))
    done
    printf '| `%s` | %s | %s CPU-s × %s | %s | %s | %s | %s / %s | %s | %s / %s / %s | %s |\n' \
        "$t" "$started" "$budget" "$jobs" "$wall" "$cpu" "$execs" "$cov" "$ft" "$corp" \
        "$crashes" "$timeouts" "$ooms" "$commit" >>"$rows"
done

# The new table: this run's rows, plus the rows of targets it did not run (from the table
# already in the document), sorted by target.
header='| target | run (UTC) | CPU budget × jobs | wall s | CPU-minutes | executions | coverage (cov / ft) | corpus | crashes / timeouts / OOMs | commit |'
kept=$(mktemp)
sed -n '/<!-- run_all:begin -->/,/<!-- run_all:end -->/p' "$doc" | grep -E '^\| `' |
    while IFS= read -r line; do
        name=$(sed -E 's/^\| `([^`]+)`.*/\1/' <<<"$line")
        # Old rows in another column layout are dropped rather than mixed in.
        [ "$(grep -o '|' <<<"$line" | wc -l)" -eq "$(grep -o '|' <<<"$header" | wc -l)" ] || continue
        printf '%s\n' "${targets[@]}" | grep -qxF "$name" || printf '%s\n' "$line"
    done >"$kept" || true
table=$(mktemp)
{
    echo "One row per target, from the latest \`fuzz/run_all.sh\` run that included it. CPU-minutes are user + sys of the run's process tree; executions are summed over the run's rounds, coverage and corpus are libFuzzer's last status line; commit is what the library and targets were built from."
    echo
    echo "$header"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    sort "$rows" "$kept"
} >"$table"
rm -f "$rows" "$kept"

# Replace the table between the markers in docs/fuzzing.md (or append the section).
begin='<!-- run_all:begin -->'
end='<!-- run_all:end -->'
if ! grep -qF "$begin" "$doc"; then
    printf '\n## Latest fuzz/run_all.sh run\n\n%s\n%s\n' "$begin" "$end" >>"$doc"
fi
awk -v begin="$begin" -v end="$end" -v table="$table" '
    $0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }
' "$doc" >"$doc.new"
mv "$doc.new" "$doc"
cat "$table"
rm -f "$table"
echo "== table written to docs/fuzzing.md; $found new crash/timeout/OOM inputs copied to the regression folders"
[ "$found" -eq 0 ]
