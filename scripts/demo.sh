#!/usr/bin/env bash
# Quick start: build, render a synthetic ID-card capture (12 MP, EXIF orientation 6, GPS in
# its metadata), check it, fix it, and check the fixed file. Outputs go to target/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/demo}"
mkdir -p "$out"
cargo build --release --quiet -p preflight-cli
bin=target/release/preflight
set -x
"$bin" synth --seed 2 --orientation 6 -o "$out/capture.jpg" --truth "$out/capture.truth.json"
"$bin" check "$out/capture.jpg"   # the render's portrait is drawn: the face detector may warn portrait_not_found
"$bin" fix "$out/capture.jpg" -o "$out/capture.fixed.jpg" --json
"$bin" check --json "$out/capture.fixed.jpg"
