#!/usr/bin/env bash
# The official server SDKs against `validate-zip` and `verify` (issue 18): install Smile ID's
# Python SDK (smile-id-core, PyPI) and Node SDK (smile-identity-core, npm) at pinned
# versions into target/sdk-interop/, have each build upload zips for real jobs through its
# own submit_job with its HTTP stubbed (the zip it would PUT is captured), and assert that
# `preflight validate-zip` accepts every good job's zip and predicts the right code for the
# bad ones, and that signatures agree both ways (`preflight sign` vs the SDKs' generate,
# the SDKs' signatures vs `preflight verify`).
#   bash scripts/sdk-interop/run.sh [path/to/preflight]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PY_SDK="smile-id-core==3.0.1"
NODE_SDK="smile-identity-core@3.2.1"
bin="${1:-$root/target/release/preflight}"
[ -x "$bin" ] || { cargo build --release --quiet -p preflight-cli; bin="$root/target/release/preflight"; }
work="$root/target/sdk-interop"
rm -rf "$work/jobs" && mkdir -p "$work/jobs" "$work/images"

# Captures the SDKs send: ID cards, a passport page, selfies, liveness frames (the
# generator's; any photo of the right size works, the checks run on all of them).
img="$work/images"
if [ ! -f "$img/done" ]; then
  "$bin" synth --seed 11 -o "$img/id_front.jpg"
  "$bin" synth --seed 12 -o "$img/id_back.jpg"
  "$bin" synth --seed 13 --passport -o "$img/passport.jpg"
  "$bin" synth --seed 14 --width 1280 --height 960 -o "$img/selfie.jpg"
  for i in 1 2 3 4 5 6 7 8; do
    "$bin" synth --seed $((20 + i)) --width 640 --height 480 -o "$img/liveness_$i.jpg"
  done
  touch "$img/done"
fi

echo "== Python SDK $PY_SDK"
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$PY_SDK" Pillow
"$work/venv/bin/python" "$here/python_jobs.py" "$img" "$work/jobs"

echo "== Node SDK $NODE_SDK"
mkdir -p "$work/node"
if [ ! -d "$work/node/node_modules/smile-identity-core" ]; then
  (cd "$work/node" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "$NODE_SDK")
fi
NODE_PATH="$work/node/node_modules" node "$here/node_jobs.js" "$img" "$work/jobs"

echo "== preflight validate-zip on every zip, preflight sign/verify against the SDKs"
"$work/venv/bin/python" "$here/judge.py" "$bin" "$work/jobs"
