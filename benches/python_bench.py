"""The Python package against the CLI on the same files, in one run (issue 19's targets).

    bash scripts/python-test.sh            # builds the wheel into target/pyvenv
    target/pyvenv/bin/python benches/python_bench.py [N=12] [ROUNDS=3]

Renders N synthetic 12 MP captures (EXIF orientation 6) with the release CLI, then times,
taking turns over ROUNDS rounds and keeping each configuration's best round:
  - `preflight check --jobs 1|2 DIR` (whole process: start, read, check, print JSON),
  - `kyc_preflight.check_many(data, jobs=1|2)` on the bytes already in memory,
  - `kyc_preflight.check` called from two Python threads at once,
  - the Dask recipe (crates/preflight-py/recipes/dask_check.py) on a local cluster of two
    one-thread worker processes started beforehand (reading the files, writing JSON Lines),
    when dask[bag,distributed] is installed;
  - the Spark recipe (recipes/spark_check.py) on a local[2] session started beforehand
    (binaryFile listing and reading, check_many per task, writing Parquet), when pyspark is
    installed.
Prints per-image times and the ratios the targets are stated in (2 threads / 1 thread;
Python / CLI at the same thread count). Wall clock; nothing else should run meanwhile.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import kyc_preflight as kp

REPO = Path(__file__).resolve().parents[1]
BIN = os.environ.get("PREFLIGHT_BIN", str(REPO / "target" / "release" / "preflight"))


def render(n, out):
    files = []
    for i in range(n):
        p = out / f"cap_{i:03}.jpg"
        subprocess.run(
            [BIN, "synth", "--seed", str(100 + i), "--orientation", "6", "-o", str(p)],
            check=True,
            capture_output=True,
        )
        files.append(p)
    return files


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        files = render(n, Path(tmp))
        data = [f.read_bytes() for f in files]

        def cli(jobs):
            subprocess.run(
                [BIN, "check", "--json", "--jobs", str(jobs), tmp],
                check=False,
                capture_output=True,
            )

        def threads2():
            half = [data[0::2], data[1::2]]
            ts = [threading.Thread(target=lambda part=p: [kp.check(d) for d in part]) for p in half]
            for t in ts:
                t.start()
            for t in ts:
                t.join()

        client = cluster = None
        try:
            import distributed

            sys.path.insert(0, str(REPO / "crates" / "preflight-py" / "recipes"))
            import dask_check

            cluster = distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
        except ImportError:
            print("dask[bag,distributed] not installed: no Dask row", file=sys.stderr)

        spark = None
        try:
            from pyspark.sql import SparkSession

            sys.path.insert(0, str(REPO / "crates" / "preflight-py" / "recipes"))
            import spark_check

            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            spark = (
                SparkSession.builder.master("local[2]")
                .config("spark.ui.enabled", "false")
                .getOrCreate()
            )
        except ImportError:
            print("pyspark not installed: no Spark row", file=sys.stderr)

        runs = iter(range(1 << 30))

        def spark_run():
            spark_check.run(spark, tmp, f"{tmp}/spark{next(runs)}")

        def dask_run():
            dask_check.run(tmp, f"{tmp}/out{next(runs)}", client, partition=max(1, n // 8))

        configs = {
            "cli --jobs 1": lambda: cli(1),
            "cli --jobs 2": lambda: cli(2),
            "check_many jobs=1": lambda: kp.check_many(data, jobs=1),
            "check_many jobs=2": lambda: kp.check_many(data, jobs=2),
            "check, 2 Python threads": threads2,
        }
        if client is not None:
            configs["dask, 2 workers"] = dask_run
        if spark is not None:
            configs["spark, local[2]"] = spark_run
        # Same verdicts both ways before timing anything.
        mine = [r["verdict"] for r in kp.check_many(data, jobs=2)]
        out = subprocess.run(
            [BIN, "check", "--json", "--jobs", "2", *map(str, files)],
            capture_output=True,
            text=True,
        ).stdout
        theirs = [json.loads(line)["verdict"] for line in out.splitlines() if '"report"' in line]
        assert mine == theirs, (mine, theirs)
        best = {k: float("inf") for k in configs}
        for _ in range(rounds):
            for k, f in configs.items():
                best[k] = min(best[k], timed(f))
        if client is not None:
            client.close()
            cluster.close()
        if spark is not None:
            spark.stop()
    per = {k: v / n * 1000 for k, v in best.items()}
    print(f"{n} captures, 12 MP, EXIF orientation 6; best of {rounds} rounds; ms per image:")
    for k, v in per.items():
        print(f"  {k:26s} {v:8.1f}")
    print("ratios:")
    print(f"  check_many 1 thread / 2 threads       {best['check_many jobs=1'] / best['check_many jobs=2']:.2f}x (target >= 1.8)")
    print(f"  check_many jobs=1 / cli --jobs 1      {best['check_many jobs=1'] / best['cli --jobs 1']:.2f} (target <= 1.10)")
    print(f"  check_many jobs=2 / cli --jobs 2      {best['check_many jobs=2'] / best['cli --jobs 2']:.2f} (target <= 1.10)")
    print(f"  2 Python threads / check_many jobs=2  {best['check, 2 Python threads'] / best['check_many jobs=2']:.2f}")
    if "dask, 2 workers" in best:
        print(f"  dask 2 workers / cli --jobs 2         {best['dask, 2 workers'] / best['cli --jobs 2']:.2f} (target <= 1.20)")
    if "spark, local[2]" in best:
        print(f"  spark local[2] / cli --jobs 2         {best['spark, local[2]'] / best['cli --jobs 2']:.2f}")


if __name__ == "__main__":
    main()
