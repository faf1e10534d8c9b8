#!/usr/bin/env python3
"""Reference implementation of `preflight check` / `preflight fix`, written the way a
typical Python backend would do it (Pillow + OpenCV). Used by benches/compare.sh.

  python3 benches/reference.py check IN [--repeat N]
  python3 benches/reference.py fix IN OUT [--repeat N]

Prints one JSON line. With --repeat N the work is done N times in this process and
`inproc_ms_median` (median wall time per image, imports excluded) is added to the
JSON and printed to stderr, so interpreter/import start-up can be told apart.
"""
import time

T_START = time.perf_counter()
import argparse, io, json, os, statistics, sys  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

IMPORT_MS = (time.perf_counter() - T_START) * 1000
MIN_BYTES, MAX_BYTES, MIN_LONG_SIDE = 614_400, 10_000_000, 1500


def check(path):
    img = ImageOps.exif_transpose(Image.open(path))  # decodes the full image
    grey = np.asarray(img.convert("L"))
    h, w = grey.shape
    small = cv2.resize(grey, (640, max(1, round(h * 640 / w))), interpolation=cv2.INTER_AREA)
    size = os.path.getsize(path)
    return img, {
        "width": w, "height": h, "bytes": size,
        "laplacian_var": float(cv2.Laplacian(small, cv2.CV_64F).var()),
        "brightness_mean": float(small.mean()),
        "bright_share": float((small > 240).mean()),
        "resolution_ok": max(w, h) >= MIN_LONG_SIDE,
        "size_ok": MIN_BYTES <= size <= MAX_BYTES,
    }


def encode(img, q):
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=q, subsampling=2, optimize=False)  # 2 = 4:2:0
    return buf.getvalue()


def fix(path, out):
    img, report = check(path)
    img = img.convert("RGB")
    lo, hi, encodes, best, fallback = 50, 100, 0, None, None
    while lo <= hi:  # highest quality in [50, 100] whose size is inside the window
        q = (lo + hi) // 2
        data = encode(img, q)
        encodes += 1
        if len(data) > MAX_BYTES:  # too big: go lower (the last miss is the closest)
            hi, fallback = q - 1, (q, data)
        elif len(data) < MIN_BYTES:  # too small: go higher
            lo, fallback = q + 1, (q, data)
        else:
            best, lo = (q, data), q + 1
    q, data = best or fallback
    with open(out, "wb") as f:
        f.write(data)
    report.update(quality=q, out_bytes=len(data), encodes=encodes, fits=best is not None)
    return report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["check", "fix"])
    ap.add_argument("input")
    ap.add_argument("output", nargs="?")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    if a.mode == "fix" and not a.output:
        ap.error("fix needs an OUT path")
    times = []
    for _ in range(max(1, a.repeat)):
        t0 = time.perf_counter()
        report = check(a.input)[1] if a.mode == "check" else fix(a.input, a.output)
        times.append((time.perf_counter() - t0) * 1000)
    report.update(mode=a.mode, import_ms=round(IMPORT_MS, 1), runs=len(times),
                  inproc_ms_median=round(statistics.median(times), 1))
    if a.repeat > 1:
        print(f"{a.mode}: median in-process {report['inproc_ms_median']} ms over "
              f"{len(times)} runs (imports {IMPORT_MS:.0f} ms)", file=sys.stderr)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
