#!/usr/bin/env bash
# Whole-process benchmark: `preflight check|fix` (default pure-Rust build AND the
# libjpeg-turbo build, `--features turbo`) vs. the Pillow+OpenCV reference
# (benches/reference.py), `vips` if installed, and the libjpeg-turbo floors
# (`djpeg | cjpeg -quality 90` for fix, `djpeg -scale 1/S` for check, S the DCT scale the
# turbo `check` decodes at: 2 at 12 MP, 4 at 48 MP), all pinned to one
# core, on synthetic 12 MP and 48 MP photos with EXIF orientation 6; then batch throughput
# on 1 and 2 cores, full encodes per image over a mixed set, peak RSS, and the criterion
# stage table. Writes docs/performance.md (every section; nothing is added by hand).
#
#   bash benches/compare.sh
#
# Knobs (environment): RUNS=10 WARMUP=2 (12 MP), RUNS_48=3 WARMUP_48=1 (48 MP),
#   ROUNDS=5 (the commands take turns over this many rounds, RUNS / ROUNDS runs each,
#   rounded up),
#   REPEAT=10 REPEAT_48=3 (in-process Python runs), PYTHON=python3,
#   BATCH_N=24 BATCH_RUNS=3 (throughput: BATCH_N 12 MP files, `check DIR --jobs 1|2`),
#   STAGES=1 (0 skips the criterion stage table, `cargo bench --bench pipeline`),
#   PREFLIGHT_BIN=path (use this default-build binary instead of `cargo build --release`),
#   PREFLIGHT_TURBO_BIN=path (same for `cargo build --release --features turbo`;
#   TURBO=0 skips the turbo build),
#   PERF_DOC=docs/performance.md (where the report goes), KEEP_WORK=1 (keep temp files),
#   TIMER=loop (skip hyperfine, time with a date +%s%N loop).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
RUNS=${RUNS:-10} WARMUP=${WARMUP:-2} RUNS_48=${RUNS_48:-3} WARMUP_48=${WARMUP_48:-1}
REPEAT=${REPEAT:-10} REPEAT_48=${REPEAT_48:-3}
PY=${PYTHON:-python3}
PERF_DOC=${PERF_DOC:-docs/performance.md}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'compare.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
APT_UPDATED=0
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing with apt-get: $*"
    if [ "$APT_UPDATED" = 0 ]; then
      apt-get update -qq >&2 || log "apt-get update failed (trying the install anyway)"
      APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
  else
    log "missing: $* (not root or no apt-get, not installing)"
    return 1
  fi
}
USE_HYPERFINE=0
if [ "${TIMER:-hyperfine}" != loop ]; then
  command -v hyperfine >/dev/null 2>&1 || apt_install hyperfine || log "no hyperfine: using a plain timing loop"
  if command -v hyperfine >/dev/null 2>&1; then USE_HYPERFINE=1; fi
fi
{ command -v djpeg && command -v cjpeg; } >/dev/null 2>&1 || apt_install libjpeg-turbo-progs ||
  die "djpeg/cjpeg (libjpeg-turbo-progs) are needed for the floor"
[ -x /usr/bin/time ] || apt_install time || log "no /usr/bin/time: peak RSS will be n/a"

if ! "$PY" -c 'import PIL, cv2, numpy' 2>/dev/null; then
  log "installing with pip: pillow opencv-python-headless numpy"
  "$PY" -m pip --version >/dev/null 2>&1 || apt_install python3-pip || true
  "$PY" -m pip install -q pillow opencv-python-headless numpy >&2 ||
    "$PY" -m pip install -q --break-system-packages pillow opencv-python-headless numpy >&2 ||
    die "could not install the Python reference's packages"
fi

PIN=()
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
  PIN=(taskset -c 0)
else
  log "taskset not usable: runs are NOT pinned to one core"
fi
pin() { ${PIN[@]+"${PIN[@]}"} "$@"; }

# ---------------------------------------------------------------- binaries and inputs
WORK=$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench.XXXXXX")
cleanup() { if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

# Both builds write target/release/preflight: each is copied out right after its build.
if [ -n "${PREFLIGHT_BIN:-}" ]; then
  BIN=$PREFLIGHT_BIN
  log "using PREFLIGHT_BIN=$BIN (no cargo build)"
else
  log "cargo build --release"
  cargo build --release >&2
  cp "$ROOT/target/release/preflight" "$WORK/preflight-default"
  BIN=$WORK/preflight-default
fi
[ -x "$BIN" ] || die "no executable at $BIN"
TBIN=
if [ -n "${PREFLIGHT_TURBO_BIN:-}" ]; then
  TBIN=$PREFLIGHT_TURBO_BIN
elif [ "${TURBO:-1}" = 1 ]; then
  { command -v cmake && command -v nasm; } >/dev/null 2>&1 || apt_install cmake nasm ||
    log "cmake/nasm missing: the turbo build will probably fail"
  log "cargo build --release --features turbo"
  if cargo build --release --features turbo >&2; then
    cp "$ROOT/target/release/preflight" "$WORK/preflight-turbo"
    TBIN=$WORK/preflight-turbo
  else
    log "the turbo build failed: its rows will be n/a"
  fi
fi

log "generating inputs in $WORK"
"$BIN" synth --seed 7 --width 4000 --height 3000 --orientation 6 --quality 92 -o "$WORK/12mp.jpg" >/dev/null
"$BIN" synth --seed 7 --width 8000 --height 6000 --orientation 6 --quality 92 -o "$WORK/48mp.jpg" >/dev/null

q() { printf '%q' "$1"; }
REF=$(q "$ROOT/benches/reference.py")
# commands for one input size: fills NAMES/CMDS (strings run by sh -c, as hyperfine does)
set_commands() {
  local in out
  in=$(q "$WORK/$1.jpg") out=$(q "$WORK/$1")
  # the DCT scale turbo::check_scale picks: the coarsest of 1/8, 1/4, 1/2 whose long side
  # still reaches the 1024 px analysis plane (the long sides of the inputs generated above)
  local long=4000 scale=1 d
  [ "$1" = 48mp ] && long=8000
  for d in 8 4 2; do
    if [ $(((long + d - 1) / d)) -ge 1024 ]; then scale=$d; break; fi
  done
  # `fix` twice: re-encoding (`--reencode`, what the djpeg | cjpeg floor does) and the
  # default lossless turn (the inputs' sides are whole MCUs, so the turn is perfect),
  # against jpegtran.
  NAMES=(preflight-check preflight-fix preflight-lossless)
  CMDS=("$(q "$BIN") check $in --jobs 1"
        "$(q "$BIN") fix $in -o $out-preflight.jpg --reencode --jobs 1"
        "$(q "$BIN") fix $in -o $out-lossless.jpg --jobs 1")
  if [ -n "$TBIN" ]; then
    NAMES+=(turbo-check turbo-fix turbo-lossless)
    CMDS+=("$(q "$TBIN") check $in --jobs 1"
           "$(q "$TBIN") fix $in -o $out-turbo.jpg --reencode --jobs 1"
           "$(q "$TBIN") fix $in -o $out-turbo-lossless.jpg --jobs 1")
  fi
  NAMES+=(python-check python-fix floor djpeg-scaled jpegtran)
  CMDS+=("$(q "$PY") $REF check $in"
         "$(q "$PY") $REF fix $in $out-python.jpg"
         "djpeg $in | cjpeg -quality 90 > $out-floor.jpg"
         "djpeg -scale 1/$scale $in > /dev/null"
         "jpegtran -rotate 90 -perfect -copy icc $in > $out-jpegtran.jpg")
  if command -v vips >/dev/null 2>&1; then
    NAMES+=(vips-fix)
    CMDS+=("vips autorot $in $out-vips.jpg[Q=90,strip]")
  fi
}

# one untimed run of each command, so a broken command fails loudly and we keep its output
for size in 12mp 48mp; do
  set_commands "$size"
  for i in "${!NAMES[@]}"; do
    sh -c "${CMDS[$i]}" > "$WORK/$size.${NAMES[$i]}.out" ||
      die "failed: ${CMDS[$i]}"
  done
done

# ---------------------------------------------------------------- timing
# Rounds: the commands take turns (round-robin, `ROUNDS` rounds, RUNS / ROUNDS runs of each
# per round) instead of each running all its runs back to back, so a slow spell of the
# shared machine lands on every command alike rather than on whichever was running then.
bench() { # size runs warmup
  local size=$1 runs=$2 warmup=$3 i n r t0 t1 args=() rounds per w
  rounds=$(( ${ROUNDS:-5} < runs ? ${ROUNDS:-5} : runs ))
  per=$(( (runs + rounds - 1) / rounds ))
  set_commands "$size"
  log "timing $size: $rounds rounds of $per runs, $warmup warm-up, pinned: ${PIN[*]:-no}"
  for ((r = 0; r < rounds; r++)); do
    w=0; [ "$r" = 0 ] && w=$warmup
    if [ "$USE_HYPERFINE" = 1 ]; then
      args=()
      for i in "${!NAMES[@]}"; do args+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done
      pin hyperfine --style basic --warmup "$w" --runs "$per" \
        --export-json "$WORK/bench-$size.r$r.json" "${args[@]}" >&2
    else
      for i in "${!NAMES[@]}"; do
        for ((n = 0; n < w; n++)); do pin sh -c "${CMDS[$i]}" >/dev/null; done
        for ((n = 0; n < per; n++)); do
          t0=$(date +%s%N); pin sh -c "${CMDS[$i]}" >/dev/null; t1=$(date +%s%N)
          echo $((t1 - t0)) >> "$WORK/bench-$size.${NAMES[$i]}.ns"
        done
      done
    fi
  done
  # what ran (RUNS rounded up to whole rounds), for the report's facts
  echo "$((rounds * per)) runs ($rounds rounds of $per)" > "$WORK/rounds-$size.txt"
}
bench 12mp "$RUNS" "$WARMUP"
bench 48mp "$RUNS_48" "$WARMUP_48"

log "Python reference, in-process (no interpreter start-up or imports)"
for size in 12mp 48mp; do
  if [ "$size" = 48mp ]; then rep=$REPEAT_48; else rep=$REPEAT; fi
  pin "$PY" benches/reference.py check "$WORK/$size.jpg" --repeat "$rep" > "$WORK/inproc-$size-check.json"
  pin "$PY" benches/reference.py fix "$WORK/$size.jpg" "$WORK/$size-python.jpg" --repeat "$rep" \
    > "$WORK/inproc-$size-fix.json"
done

# ---------------------------------------------------------------- batch throughput
# BATCH_N copies of the 12 MP photo through the in-process batch path (`check DIR`:
# rayon across files, one reused scratch per worker), on one core and on two.
mkdir -p "$WORK/batch"
for ((n = 0; n < ${BATCH_N:-24}; n++)); do cp "$WORK/12mp.jpg" "$WORK/batch/$n.jpg"; done
BATCH_NAMES=() BATCH_CMDS=()
for b in default turbo; do
  if [ $b = default ]; then bin=$BIN; else bin=$TBIN; fi
  [ -n "$bin" ] || continue
  BATCH_NAMES+=("batch-$b-1" "batch-$b-2")
  BATCH_CMDS+=("taskset -c 0 $(q "$bin") check $(q "$WORK/batch") --jobs 1 > /dev/null"
               "taskset -c 0,1 $(q "$bin") check $(q "$WORK/batch") --jobs 2 > /dev/null")
done
# Calibration: how many CPUs two CPU-bound processes get right now ((user + sys) / wall of two
# parallel sha256sum), so a 2-core speed-up can be read against what the machine gave.
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '%e %U %S' -o "$WORK/cpu-calib.txt" sh -c \
    'head -c 200M /dev/zero | sha256sum >/dev/null & head -c 200M /dev/zero | sha256sum >/dev/null; wait'
fi
log "batch throughput: ${BATCH_N:-24} x 12 MP, ${BATCH_RUNS:-3} runs (1 core vs 2 cores)"
if command -v taskset >/dev/null 2>&1 && taskset -c 0,1 true 2>/dev/null; then
  if [ "$USE_HYPERFINE" = 1 ]; then
    args=()
    for i in "${!BATCH_NAMES[@]}"; do args+=(-n "${BATCH_NAMES[$i]}" "${BATCH_CMDS[$i]}"); done
    # one run of each per round (round-robin, as above), one warm-up in the first
    for ((r = 0; r < ${BATCH_RUNS:-3}; r++)); do
      w=0; [ "$r" = 0 ] && w=1
      hyperfine --style basic -i --warmup "$w" --runs 1 \
        --export-json "$WORK/batch.r$r.json" "${args[@]}" >&2
    done
  else
    for ((r = 0; r < ${BATCH_RUNS:-3}; r++)); do
      for i in "${!BATCH_NAMES[@]}"; do
        t0=$(date +%s%N); sh -c "${BATCH_CMDS[$i]}" || true; t1=$(date +%s%N)
        echo $((t1 - t0)) >> "$WORK/batch.${BATCH_NAMES[$i]}.ns"
      done
    done
  fi
else
  log "taskset cannot use cores 0 and 1: no throughput table"
fi

# ---------------------------------------------------------------- size search, mixed set
# 4 x 12 MP (seeds 0-3, quality varied by the seed), 4 x 1600x1200 (q92), 2 x 48 MP (q92),
# all tagged orientation 6 so every one is re-encoded; `fix --json` reports the encodes.
log "size search over the mixed set"
mkdir -p "$WORK/mixed"
for s_ in 0 1 2 3; do
  "$BIN" synth --seed "$s_" --width 4000 --height 3000 --orientation 6 -o "$WORK/mixed/12mp-$s_.jpg" >/dev/null
  "$BIN" synth --seed "$s_" --width 1600 --height 1200 --orientation 6 --quality 92 \
    -o "$WORK/mixed/1600-$s_.jpg" >/dev/null
done
for s_ in 0 1; do
  "$BIN" synth --seed "$s_" --width 8000 --height 6000 --orientation 6 --quality 92 \
    -o "$WORK/mixed/48mp-$s_.jpg" >/dev/null
done
for b in default turbo; do
  if [ $b = default ]; then bin=$BIN; else bin=$TBIN; fi
  [ -n "$bin" ] || continue
  for f in "$WORK"/mixed/*.jpg; do
    "$bin" fix "$f" -o "$WORK/mixed-out.jpg" --reencode --json 2>/dev/null | head -n 1 \
      > "$WORK/mixed-$b-$(basename "$f" .jpg).json" || true
  done
done

# ---------------------------------------------------------------- peak RSS, 48 MP
if [ -x /usr/bin/time ]; then
  log "peak RSS on 48 MP"
  rss() { # name cmd...
    local name=$1; shift
    pin /usr/bin/time -v -o "$WORK/rss-$name.txt" "$@" >/dev/null
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/rss-$name.txt" \
      > "$WORK/rss-$name.kb"
  }
  rss preflight-fix "$BIN" fix "$WORK/48mp.jpg" -o "$WORK/48mp-preflight.jpg" --reencode --jobs 1
  if [ -n "$TBIN" ]; then
    rss turbo-fix "$TBIN" fix "$WORK/48mp.jpg" -o "$WORK/48mp-turbo.jpg" --reencode --jobs 1
    rss turbo-check "$TBIN" check "$WORK/48mp.jpg" --jobs 1
  fi
  rss python-fix "$PY" benches/reference.py fix "$WORK/48mp.jpg" "$WORK/48mp-python.jpg"
  rss preflight-check "$BIN" check "$WORK/48mp.jpg" --jobs 1
  rss python-check "$PY" benches/reference.py check "$WORK/48mp.jpg"
fi

# ---------------------------------------------------------------- criterion stages
if [ "${STAGES:-1}" = 1 ]; then
  log "criterion stage table: taskset -c 0 cargo bench --bench pipeline (several minutes)"
  stamp=$WORK/stages.stamp; touch "$stamp"
  if pin cargo bench --bench pipeline -- --noplot >&2; then
    find "$ROOT/target/criterion" -path '*/new/estimates.json' -newer "$stamp" | while read -r est; do
      "$PY" - "$est" <<'PYEOF'
import json, os, sys
est = sys.argv[1]
b = json.load(open(os.path.join(os.path.dirname(est), "benchmark.json")))
e = json.load(open(est))
print(f"{b['group_id']}\t{b['function_id']}\t{e['median']['point_estimate'] / 1e6:.3f}")
PYEOF
    done > "$WORK/stages.tsv"
  else
    log "cargo bench failed: no stage table"
  fi
fi

# ---------------------------------------------------------------- facts and report
{
  printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf 'nproc\t%s\n' "$(nproc)"
  cpu=$(awk -F: '/^model name/ {sub(/^[ \t]+/, "", $2); print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
  [ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | awk -F: '/^Model name/ {sub(/^[ \t]+/, "", $2); print $2; exit}' || true)
  printf 'cpu\t%s\n' "${cpu:-unknown}"
  printf 'kernel\t%s\n' "$(uname -sr)"
  printf 'rustc\t%s\n' "$(rustc --version 2>/dev/null || echo n/a)"
  printf 'python\t%s\n' "$("$PY" -c 'import sys; print(sys.version.split()[0])')"
  printf 'pillow\t%s\n' "$("$PY" -c 'import PIL; print(PIL.__version__)')"
  printf 'opencv\t%s\n' "$("$PY" -c 'import cv2; print(cv2.__version__)')"
  printf 'numpy\t%s\n' "$("$PY" -c 'import numpy; print(numpy.__version__)')"
  printf 'djpeg\t%s\n' "$(djpeg -version 2>&1 | head -n 1)"
  printf 'vips\t%s\n' "$(vips --version 2>/dev/null || echo 'not installed (no vips row)')"
  printf 'turbo\t%s\n' "${TBIN:+built with --features turbo (libjpeg-turbo 3.x, vendored by turbojpeg-sys)}"
  printf 'batch\t%s\n' "${BATCH_N:-24} copies of the 12 MP photo, ${BATCH_RUNS:-3} rounds of one run of each (commands taking turns) + 1 warm-up"
  printf 'load\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
  if [ "$USE_HYPERFINE" = 1 ]; then timer=$(hyperfine --version); else timer='plain loop (date +%s%N around sh -c, spawn not subtracted), median'; fi
  printf 'timer\t%s\n' "$timer"
  printf 'pinning\t%s\n' "${PIN[*]:-none (taskset unavailable)}"
  printf 'runs\t%s\n' "12 MP: $(cat "$WORK/rounds-12mp.txt"), commands taking turns, + $WARMUP warm-up; 48 MP: $(cat "$WORK/rounds-48mp.txt") + $WARMUP_48 warm-up"
  printf 'repeat\t%s\n' "12 MP: $REPEAT; 48 MP: $REPEAT_48"
  for size in 12mp 48mp; do
    printf 'bytes-%s\t%s\n' "$size" "$(wc -c < "$WORK/$size.jpg")"
    for tool in preflight turbo python floor; do
      [ -f "$WORK/$size-$tool.jpg" ] || continue
      printf 'out-%s-%s\t%s\n' "$size" "$tool" "$(wc -c < "$WORK/$size-$tool.jpg")"
    done
  done
} > "$WORK/facts.tsv"

mkdir -p "$(dirname "$PERF_DOC")"
"$PY" benches/report_perf.py --work "$WORK" --out "$PERF_DOC"
log "wrote $PERF_DOC"
cat "$PERF_DOC"
