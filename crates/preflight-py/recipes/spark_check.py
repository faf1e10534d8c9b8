"""Check an archive of captures with Spark: a folder or an object-store prefix in, a Parquet
table of reports out (one row per file), one bad file never failing its task.

    pip install kyc-preflight pyspark "pandas<3" pyarrow   # Java 17+ on the workers
    python spark_check.py INPUT_URL OUTPUT_DIR [--master local[2]] [--class id-card]
    spark-submit spark_check.py INPUT_URL OUTPUT_DIR     # on a cluster (the wheel on every worker)

INPUT_URL is anything Spark's `binaryFile` source reads (`/data/captures`, `s3a://bucket/prefix`),
walked recursively for the image suffixes below. OUTPUT_DIR gets a Parquet table with the
columns `path`, `verdict`, `codes` (the finding codes, in order), `error_code` and `report`
(the whole report as JSON: the one `preflight check --json` prints).

Spark lists the files and hands each task's batch to `kyc_preflight.check_many`, which releases
the interpreter and checks them one per core of the task. A file over the library's byte cap is
reported `input_too_large` without its bytes being used; an image the library cannot evaluate
is a row with `verdict = "error"`, like any other.
"""

import argparse
import json
import sys
from typing import Dict, Iterator

import kyc_preflight

IMAGE_GLOB = "*.{jpg,jpeg,JPG,JPEG,png,PNG,tif,tiff,TIF,TIFF,webp,WEBP,bmp,BMP,gif,GIF}"
SCHEMA = "path string, verdict string, codes array<string>, error_code string, report string"


def row(report: Dict) -> Dict:
    error = report.get("error") or {}
    return {
        "path": report["path"],
        "verdict": report["verdict"],
        "codes": [f["code"] for f in report.get("findings", [])],
        "error_code": error.get("code"),
        "report": json.dumps(report),
    }


def check_batches(batches: Iterator, class_: str, profile: str, jobs: int) -> Iterator:
    """`mapInPandas` body: each pandas batch of (path, length, content) becomes report rows,
    one per file, in order."""
    import pandas as pd

    for batch in batches:
        reports = [None] * len(batch)
        todo, data = [], []
        for i, (path, length, content) in enumerate(
            zip(batch["path"], batch["length"], batch["content"])
        ):
            cap = kyc_preflight.MAX_INPUT_BYTES
            if length > cap:
                message = f"{length} bytes, over the {cap} cap"
                reports[i] = kyc_preflight.unread_report(
                    path, "input_too_large", message, class_=class_
                )
            else:
                todo.append(i)
                data.append(bytes(content))
        checked = kyc_preflight.check_many(
            data, class_=class_, profile=profile, paths=[batch["path"][i] for i in todo],
            jobs=jobs,
        )
        for i, r in zip(todo, checked):
            reports[i] = r
        yield pd.DataFrame([row(r) for r in reports], columns=[c.split()[0] for c in SCHEMA.split(", ")])


def run(spark, url: str, out: str, class_: str = "id-card", profile: str = "default",
        jobs: int = 1) -> Dict[str, int]:
    """Check every image under `url` and write the Parquet table `out`. Returns the verdict
    counts. `jobs` is the library's threads per task: 1 when Spark runs a task per core."""
    # The workers import this module to run `check_batches` (spark-submit ships it too).
    spark.sparkContext.addPyFile(__file__)
    files = (
        spark.read.format("binaryFile")
        .option("pathGlobFilter", IMAGE_GLOB)
        .option("recursiveFileLookup", "true")
        .load(url)
        .select("path", "length", "content")
    )
    reports = files.mapInPandas(lambda it: check_batches(it, class_, profile, jobs), SCHEMA)
    reports.write.mode("overwrite").parquet(out)
    table = spark.read.parquet(out)
    return {r["verdict"]: r["count"] for r in table.groupBy("verdict").count().collect()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--master", help="e.g. local[2]; default: what spark-submit gives")
    ap.add_argument("--class", dest="class_", default="id-card")
    ap.add_argument("--profile", default="default")
    a = ap.parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("kyc-preflight check")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    try:
        counts = run(spark, a.input, a.output, a.class_, a.profile)
    finally:
        spark.stop()
    print(json.dumps({"type": "summary", **counts}))
    return 2 if counts.get("error") else 1 if counts.get("reject") else 0


if __name__ == "__main__":
    sys.exit(main())
