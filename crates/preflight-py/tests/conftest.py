"""Fixtures: captures rendered by the project's generator (the `preflight synth` command),
so every test knows what each image is. The tests import the *installed* package: run them
from outside the source tree (`.ci/run` does; see README "Python")."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def preflight_bin() -> str:
    """The CLI: $PREFLIGHT_BIN, else the workspace's release build, else one on PATH."""
    candidates = [os.environ.get("PREFLIGHT_BIN"), str(REPO / "target" / "release" / "preflight")]
    for c in candidates:
        if c and Path(c).is_file():
            return c
    found = shutil.which("preflight")
    if found:
        return found
    pytest.skip(
        "no preflight binary to render test captures: build it (cargo build --release -p "
        "preflight-cli) or set PREFLIGHT_BIN"
    )


@pytest.fixture(scope="session")
def cli() -> str:
    return preflight_bin()


@pytest.fixture(scope="session")
def render(cli, tmp_path_factory):
    """render(name, seed, variant="good", passport=False, size=(2000, 1500)) -> Path."""
    out = tmp_path_factory.mktemp("captures")
    cache = {}

    def make(name, seed, variant="good", passport=False, size=(2000, 1500), orientation=1):
        key = (name, seed, variant, passport, size, orientation)
        if key not in cache:
            path = out / f"{name}.jpg"
            cmd = [
                cli, "synth", "--seed", str(seed), "--variant", variant,
                "--width", str(size[0]), "--height", str(size[1]),
                "--orientation", str(orientation), "-o", str(path),
            ]
            if passport:
                cmd.append("--passport")
            subprocess.run(cmd, check=True, capture_output=True)
            cache[key] = path
        return cache[key]

    return make
