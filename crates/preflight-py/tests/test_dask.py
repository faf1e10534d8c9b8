"""The Dask recipe (recipes/dask_check.py) on a local 2-worker cluster over generated
captures, a file that is not an image and one the worker cannot read."""

import json
import os
import sys
from pathlib import Path

import pytest

import kyc_preflight as kp

dask = pytest.importorskip("dask", reason="the Dask recipe needs dask[bag,distributed]")
distributed = pytest.importorskip("distributed")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "recipes"))
import dask_check  # noqa: E402


@pytest.fixture(scope="module")
def archive(render, tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    (root / "nested").mkdir()
    for i, variant in enumerate(["good", "cut_off_left", "glare_large", "good", "good"]):
        src = render(f"dask{i}", 60 + i, variant)
        target = (root / "nested" if i % 2 else root) / f"cap_{i}.jpg"
        target.write_bytes(src.read_bytes())
    (root / "broken.jpg").write_bytes(b"\xff\xd8 not a jpeg at all")
    unreadable = root / "locked.png"
    unreadable.write_bytes(b"\x89PNG")
    unreadable.chmod(0)
    (root / "notes.txt").write_text("not listed: not an image suffix")
    yield root
    unreadable.chmod(0o644)


def test_the_recipe_checks_every_file_once_and_isolates_bad_ones(archive, tmp_path):
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        counts = dask_check.run(str(archive), str(tmp_path / "out"), client, partition=3)
    finally:
        client.close()
        cluster.close()
    lines = [
        json.loads(line)
        for part in sorted((tmp_path / "out").glob("part-*.jsonl"))
        for line in part.read_text().splitlines()
    ]
    paths = sorted(r["path"] for r in lines)
    assert len(paths) == 7 and len(set(paths)) == 7, paths
    assert not any(p.endswith("notes.txt") for p in paths)
    by_name = {Path(r["path"]).name: r for r in lines}
    assert by_name["broken.jpg"]["verdict"] == "error"
    # Root reads everything: the locked file is then an empty PNG, still an error report.
    assert by_name["locked.png"]["verdict"] == "error"
    if os.geteuid() != 0:
        assert by_name["locked.png"]["error"]["code"] == "io_error"
    for i in range(5):
        name = f"cap_{i}.jpg"
        path = by_name[name]["path"]
        assert by_name[name] == kp.check(Path(path).read_bytes(), path=path), name
    assert sum(counts.values()) == 7
    assert counts["error"] == 2
    assert by_name["cap_1.jpg"]["verdict"] == "reject"
