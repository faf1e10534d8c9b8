#!/usr/bin/env bash
# The Python package (crates/preflight-py): build the abi3 wheel with maturin, install it into
# a fresh virtual environment, and run its pytest suite from outside the source tree (so the
# installed package is what is imported, never the source folder). Test captures are rendered
# by the release CLI (built here if missing); the Dask recipe's test starts a local 2-worker
# cluster, the Spark recipe's a local[2] session (skipped without Java). Needs python3 >= 3.9
# with venv, and PyPI for maturin, pytest, dask, pyspark, pandas and pyarrow.
#   scripts/python-test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
venv=$repo/target/pyvenv
wheels=$repo/target/wheels
rm -rf "$venv" "$wheels"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "maturin>=1.9,<2" pytest "dask[bag,distributed]" pyspark "pandas<3" pyarrow
cargo build --release --quiet -p preflight-cli
(cd crates/preflight-py && "$venv/bin/maturin" build --release --quiet -i "$venv/bin/python" --out "$wheels")
"$venv/bin/pip" install --quiet "$wheels"/kyc_preflight-*.whl
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
cd "$run"
PREFLIGHT_BIN=$repo/target/release/preflight "$venv/bin/python" -m pytest -q -p no:cacheprovider \
    --import-mode=importlib "$repo/crates/preflight-py/tests" "$@"
