#!/usr/bin/env bash
# Load test of `preflight serve` on loopback (issue 19's targets): POST /v1/check of one
# 12 MP capture (EXIF orientation 6) at 1, 8 and 64 connections, DURATION seconds each, with
# `hey` (Debian package `hey`, installed when missing and running as root; its CSV output,
# one line per answer, summarised here: its own percentile table drops rows on short runs). Reports
# throughput, p50 and p99 latency, the status codes seen, and the server's peak RSS; then
# the same files through `preflight check --jobs N` and, when target/pyvenv has the wheel
# (scripts/python-test.sh), `kyc_preflight.check_many`, for per-image comparison.
# Writes docs/performance-http.md.
#   bash benches/http_load.sh            (DURATION=20 PORT=18181 OUT=docs/performance-http.md)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
PORT=${PORT:-18181}
OUT=${OUT:-docs/performance-http.md}
if ! command -v hey >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey >/dev/null ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey >/dev/null; }
    else
        echo "http_load.sh: needs hey (apt-get install hey)" >&2
        exit 2
    fi
fi
cargo build --release --quiet -p preflight-cli
bin=target/release/preflight
work=$(mktemp -d)
server=
cleanup() {
    [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
"$bin" synth --seed 7 --orientation 6 -o "$work/capture.jpg" >/dev/null
cores=$(nproc)
"$bin" serve --listen "127.0.0.1:$PORT" 2>"$work/serve.log" &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

peak_rss() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$server/status"; }

rows=()
for c in 1 8 64; do
    hey -z "${DURATION}s" -c "$c" -m POST -T image/jpeg -D "$work/capture.jpg" -o csv \
        "http://127.0.0.1:$PORT/v1/check" >"$work/hey-$c.csv"
    # One line per answer: response-time (s), ..., status-code, offset (s from the start).
    read -r rps p50 p99 codes errors < <(python3 - "$work/hey-$c.csv" "$DURATION" <<'EOF'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
t = sorted(float(r["response-time"]) * 1000 for r in rows)
pct = lambda p: t[min(len(t) - 1, int(p * len(t)))] if t else float("nan")
codes = collections.Counter(r["status-code"] for r in rows)
bad = sum(n for c, n in codes.items() if not c.isdigit())
print(f"{len(rows) / float(sys.argv[2]):.1f} {pct(0.5):.0f} {pct(0.99):.0f}",
      ",".join(f"{c}:{n}" for c, n in sorted(codes.items())), bad)
EOF
)
    rows+=("| $c | $rps | $p50 | $p99 | $codes | $errors |")
done
rss=$(peak_rss)

# The same image, per image, through the CLI and the Python package (one process each).
n=$((cores * 6))
mkdir -p "$work/batch"
for i in $(seq "$n"); do cp "$work/capture.jpg" "$work/batch/copy-$i.jpg"; done
t0=$(date +%s%N)
"$bin" check --jobs "$cores" --json "$work/batch" >/dev/null || true
t1=$(date +%s%N)
cli_ms=$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN {printf "%.1f", (b - a) / 1e6 / n}')
py_ms="(wheel not built)"
if [ -x target/pyvenv/bin/python ] && target/pyvenv/bin/python -c "import kyc_preflight" 2>/dev/null; then
    py_ms=$(target/pyvenv/bin/python - "$work/batch" "$cores" <<'EOF'
import sys, time, pathlib, kyc_preflight as kp
files = sorted(pathlib.Path(sys.argv[1]).glob("*.jpg"))
t = time.perf_counter()
data = [f.read_bytes() for f in files]
kp.check_many(data, jobs=int(sys.argv[2]))
print(f"{(time.perf_counter() - t) * 1000 / len(files):.1f}")
EOF
)
fi

{
    echo "# HTTP service under load"
    echo
    echo "From one run of \`bash benches/http_load.sh\` ($(date -u +%Y-%m-%d), $(git rev-parse --short HEAD),"
    echo "$cores cores, loopback): \`POST /v1/check\` of one 12 MP capture (EXIF orientation 6,"
    echo "$(stat -c %s "$work/capture.jpg") bytes) for ${DURATION} s per row with \`hey\`; the server runs with its defaults"
    echo "(one worker per core, 4 waiting per worker, 60 s timeout). Latency in ms, over every"
    echo "answer (a 503 for a full queue is answered at once)."
    echo
    echo "| connections | requests/s | p50 | p99 | status codes | transport errors |"
    echo "|---:|---:|---:|---:|---|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Server peak RSS over the whole run: **${rss} MB** (target: ≤ 300 MB + 50 MB per core = $((300 + 50 * cores)) MB)."
    echo
    echo "The same capture, $n copies, per image on $cores threads: \`preflight check --jobs $cores\` (whole process)"
    echo "**${cli_ms} ms**; \`kyc_preflight.check_many(jobs=$cores)\` (reading the files included) **${py_ms} ms**."
} >"$OUT"
cat "$OUT"
