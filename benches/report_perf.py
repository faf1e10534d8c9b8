#!/usr/bin/env python3
"""Turn the files benches/compare.sh leaves in its work dir into docs/performance.md.

  python3 benches/report_perf.py --work DIR --out docs/performance.md

Reads: facts.tsv, bench-{12mp,48mp}.json (hyperfine --export-json) or
bench-SIZE.NAME.ns (plain loop, one run in ns a line), inproc-SIZE-{check,fix}.json
(reference.py --repeat), SIZE.python-fix.out (reference.py JSON), rss-NAME.kb.
Standard library only.
"""
import argparse, json, os, statistics

SIZES = [("12mp", "12 MP (4000×3000)"), ("48mp", "48 MP (8000×6000)")]
COMMANDS = [  # id, label
    ("preflight-check", "`preflight check IN --jobs 1`"),
    ("preflight-fix", "`preflight fix IN -o OUT --jobs 1`"),
    ("python-check", "`python3 benches/reference.py check IN`"),
    ("python-fix", "`python3 benches/reference.py fix IN OUT`"),
    ("floor", "`djpeg IN \\| cjpeg -quality 90 > OUT` (floor)"),
    ("djpeg-quarter", "`djpeg -scale 1/4 IN > /dev/null`"),
]
# a / b, label, target (a/b must be <= target), b may be ("inproc", mode)
RATIOS = [
    ("preflight-check", "python-check", "check / python check", 0.5),
    ("preflight-fix", "python-fix", "fix / python fix", 0.75),
    ("preflight-fix", "floor", "fix / (djpeg \\| cjpeg) floor", None),
    ("preflight-check", "djpeg-quarter", "check / `djpeg -scale 1/4`", None),
    ("preflight-check", ("inproc", "check"), "check / python check, in-process (no start-up)", 0.5),
    ("preflight-fix", ("inproc", "fix"), "fix / python fix, in-process (no start-up)", 0.75),
]


def load_json(path):
    try:
        with open(path) as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return None


def timings(work, size):
    """{id: (median_ms, min_ms, max_ms, runs)} from hyperfine JSON or the plain loop."""
    out = {}
    hf = os.path.join(work, f"bench-{size}.json")
    if os.path.exists(hf):
        with open(hf) as f:
            for r in json.load(f)["results"]:
                t = [x * 1000 for x in r["times"]]
                out[r["command"]] = (statistics.median(t), min(t), max(t), len(t))
        return out
    for cid, _ in COMMANDS:
        p = os.path.join(work, f"bench-{size}.{cid}.ns")
        if os.path.exists(p):
            t = [int(x) / 1e6 for x in open(p).read().split()]
            out[cid] = (statistics.median(t), min(t), max(t), len(t))
    return out


def ms(x):
    return "n/a" if x is None else (f"{x:,.1f}" if x < 100 else f"{x:,.0f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    w = a.work
    facts = dict(l.rstrip("\n").split("\t", 1) for l in open(os.path.join(w, "facts.tsv")) if "\t" in l)
    f = lambda k: facts.get(k, "n/a")  # noqa: E731
    t = {s: timings(w, s) for s, _ in SIZES}
    inproc = {(s, m): load_json(os.path.join(w, f"inproc-{s}-{m}.json")) for s, _ in SIZES for m in ("check", "fix")}
    L = ["# Performance", "",
         "Whole-process wall time of `preflight` against a Pillow + OpenCV reference written the way",
         "a Python backend would do it (`benches/reference.py`: full decode, `exif_transpose`, grey,",
         "640 px INTER_AREA resize, Laplacian variance, brightness; `fix` bisects JPEG quality in",
         "[50, 100] for the highest quality inside 614,400..10,000,000 bytes) and against the",
         "libjpeg-turbo command-line tools as a floor. Every command runs pinned to one core",
         f"(`{f('pinning')}`), `preflight` with `--jobs 1`. Inputs come from `preflight synth --seed 7",
         "--orientation 6`. Times include process start-up (Python's interpreter and imports too);",
         "the in-process Python rows leave that out, so both views are shown.", "",
         "## Machine", "",
         "| | |", "| --- | --- |"]
    for k, label in [("date", "date"), ("nproc", "nproc"), ("cpu", "CPU"), ("kernel", "kernel"),
                     ("rustc", "rustc"), ("python", "Python"), ("pillow", "Pillow"), ("opencv", "OpenCV"),
                     ("numpy", "NumPy"), ("djpeg", "djpeg"), ("timer", "timer"), ("runs", "runs"),
                     ("repeat", "in-process repeats")]:
        L.append(f"| {label} | {f(k)} |")
    L += ["", "## Median wall time (ms)", "",
          "| command | " + " | ".join(lbl for _, lbl in SIZES) + " |",
          "| --- | " + " | ".join("---:" for _ in SIZES) + " |"]
    for cid, label in COMMANDS:
        cells = []
        for s, _ in SIZES:
            r = t[s].get(cid)
            cells.append("n/a" if r is None else f"{ms(r[0])} ({ms(r[1])}–{ms(r[2])}, n={r[3]})")
        L.append(f"| {label} | " + " | ".join(cells) + " |")
    for m in ("check", "fix"):
        cells = []
        for s, _ in SIZES:
            j = inproc[(s, m)]
            cells.append("n/a" if not j else f"{ms(j['inproc_ms_median'])} (n={j['runs']})")
        L.append(f"| Python reference `{m}`, in-process only | " + " | ".join(cells) + " |")
    imp = inproc[("12mp", "check")]
    L += ["", "Cells: median (min–max, runs). In-process rows: median of `reference.py --repeat N`,",
          "timed inside Python around the work itself"
          + (f"; the imports (Pillow, OpenCV, NumPy) alone took {imp['import_ms']:.0f} ms." if imp else "."),
          "", "## Ratios (lower is better)", "",
          "| ratio | " + " | ".join(lbl for _, lbl in SIZES) + " | target | met? (12 MP, 48 MP) |",
          "| --- | " + " | ".join("---:" for _ in SIZES) + " | ---: | --- |"]

    def val(s, key):
        if isinstance(key, tuple):
            j = inproc[(s, key[1])]
            return j["inproc_ms_median"] if j else None
        r = t[s].get(key)
        return r[0] if r else None

    for num, den, label, target in RATIOS:
        cells, verdicts = [], []
        for s, _ in SIZES:
            a_, b_ = val(s, num), val(s, den)
            r = a_ / b_ if a_ is not None and b_ else None
            cells.append("n/a" if r is None else f"{r:.2f}")
            verdicts.append("n/a" if r is None else ("yes" if r <= target else "**no**") if target else "")
        verdict = ", ".join(verdicts) if target else ""
        L.append(f"| {label} | " + " | ".join(cells) + f" | {'≤ %.2f' % target if target else '—'} | {verdict} |")

    L += ["", "## Peak RSS, 48 MP (MiB)", "", "| command | peak RSS |", "| --- | ---: |"]
    for cid, label in [("preflight-fix", "`preflight fix --jobs 1`"), ("python-fix", "Python reference `fix`"),
                       ("preflight-check", "`preflight check --jobs 1`"), ("python-check", "Python reference `check`")]:
        p = os.path.join(w, f"rss-{cid}.kb")
        kb = open(p).read().strip() if os.path.exists(p) else ""
        L.append(f"| {label} | {int(kb) / 1024:,.0f} |" if kb.isdigit() else f"| {label} | n/a |")
    L += ["", "Measured with `/usr/bin/time -v` (\"Maximum resident set size\").", "",
          "## Outputs", "", "| | " + " | ".join(lbl for _, lbl in SIZES) + " |",
          "| --- | " + " | ".join("---:" for _ in SIZES) + " |"]

    def row(label, fn):
        L.append(f"| {label} | " + " | ".join(fn(s) for s, _ in SIZES) + " |")

    def num(k):
        v = f(k)
        return f"{int(v):,}" if v.isdigit() else v

    row("input bytes", lambda s: num(f"bytes-{s}"))
    row("`preflight fix` output bytes", lambda s: num(f"out-{s}-preflight"))
    row("Python `fix` output bytes", lambda s: num(f"out-{s}-python"))
    row("floor (cjpeg q90) output bytes", lambda s: num(f"out-{s}-floor"))

    def pyq(s):
        j = load_json(os.path.join(w, f"{s}.python-fix.out"))
        return "n/a" if not j else f"q{j['quality']}, {j['encodes']} encodes"
    row("Python `fix`: chosen quality, encodes", pyq)
    L += ["", "## How to rerun", "", "`bash benches/compare.sh` (from anywhere; it builds the release binary,",
          "installs missing tools when run as root, and rewrites this file).", ""]
    with open(a.out, "w") as fo:
        fo.write("\n".join(L))


if __name__ == "__main__":
    main()
