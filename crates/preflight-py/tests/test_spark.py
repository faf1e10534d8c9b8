"""The Spark recipe (recipes/spark_check.py) in local mode over generated captures and a
file that is not an image: one Parquet row per file, the same reports as `check`."""

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import kyc_preflight as kp

pyspark = pytest.importorskip("pyspark", reason="the Spark recipe needs pyspark, pandas, pyarrow")
pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "recipes"))
import spark_check  # noqa: E402


def test_the_recipe_writes_one_parquet_row_per_file(render, tmp_path):
    from pyspark.sql import SparkSession

    # The workers run this interpreter (the venv with the wheel), not whatever python3 is first.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    root = tmp_path / "archive"
    (root / "nested").mkdir(parents=True)
    for i, variant in enumerate(["good", "cut_off_left", "good"]):
        src = render(f"spark{i}", 70 + i, variant)
        target = (root / "nested" if i % 2 else root) / f"cap_{i}.jpg"
        target.write_bytes(src.read_bytes())
    (root / "broken.jpg").write_bytes(b"\xff\xd8 not a jpeg at all")
    (root / "notes.txt").write_text("not an image suffix: not read")
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        counts = spark_check.run(spark, str(root), str(tmp_path / "out"))
        rows = [r.asDict() for r in spark.read.parquet(str(tmp_path / "out")).collect()]
    finally:
        spark.stop()
    by_name = {Path(r["path"]).name: r for r in rows}
    assert sorted(by_name) == ["broken.jpg", "cap_0.jpg", "cap_1.jpg", "cap_2.jpg"], by_name
    assert len(rows) == 4
    assert by_name["broken.jpg"]["verdict"] == "error"
    assert by_name["broken.jpg"]["error_code"] == "unsupported_format"
    assert by_name["cap_1.jpg"]["verdict"] == "reject"
    assert "document_cut_off" in by_name["cap_1.jpg"]["codes"]
    for name in ("cap_0.jpg", "cap_1.jpg", "cap_2.jpg"):
        r = by_name[name]
        local = str(r["path"]).removeprefix("file:")
        report = json.loads(r["report"])
        # Spark names files by URI; the report is the library's for those bytes and that name.
        assert report == kp.check(Path(local).read_bytes(), path=r["path"]), name
        assert r["codes"] == [f["code"] for f in report["findings"]]
    assert sum(counts.values()) == 4 and counts["error"] == 1
