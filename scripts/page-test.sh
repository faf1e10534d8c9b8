#!/usr/bin/env bash
# End-to-end test of the capture page: `preflight serve` on loopback, Debian's Chromium driven
# headless by playwright-core (npm), a good and a cut-off generated capture uploaded through
# the page, the verdicts and findings it shows checked; the screenshot is kept in
# target/page-test/page.png. Installs chromium (apt) and playwright-core (npm) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
port=${PORT:-18190}
out=$repo/target/page-test
mkdir -p "$out"
if ! command -v chromium >/dev/null 2>&1; then
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get install -y -qq chromium >/dev/null ||
        { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq chromium >/dev/null; }
fi
(cd crates/preflight-serve/page-test && npm install --no-audit --no-fund --silent)
cargo build --release --quiet -p preflight-cli
bin=target/release/preflight
"$bin" synth --seed 3 --width 2400 --height 1800 -o "$out/good.jpg" >/dev/null
"$bin" synth --seed 4 --width 2400 --height 1800 --variant cut_off_left -o "$out/cut.jpg" >/dev/null
"$bin" serve --listen "127.0.0.1:$port" 2>"$out/serve.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
node crates/preflight-serve/page-test/page.test.mjs "http://127.0.0.1:$port/" \
    "$out/good.jpg" "$out/cut.jpg" "$out/page.png"
