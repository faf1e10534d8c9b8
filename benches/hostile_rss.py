#!/usr/bin/env python3
"""Peak RSS and wall time of `preflight` on every hostile input (issue 6).

Runs one `preflight` process per input and command (`check` on everything, `fix` on every
image), reads that child's own peak RSS from GNU time (ru_maxrss via wait4), and fails when any peak is
above the ceiling (300 MB). Inputs: the committed corpus crates/preflight/tests/data/hostile/, the fuzz
regressions crates/preflight/tests/data/regression/**, and big hazards generated into a temporary directory (a
64 MP PNG with a tiny IDAT, a 5 MiB text chunk, a 64 MiB-zeros zip entry, a JPEG whose
frame header claims 16384x3906 = 64 MP over a tiny scan; a TIFF claiming 64 MP over 100
bytes; 64 MP TIFF, WebP and GIF images of zeros, whose decoders hold a second copy and get
their own ceilings, CEILING_BY_PREFIX).

    cargo build --release && python3 benches/hostile_rss.py [--bin target/release/preflight]
"""
import argparse, io, os, struct, subprocess, sys, tempfile, time, zipfile, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CEILING_MB = 300
# Legitimate 64 MP images in formats whose decoders hold a second copy of the image
# (docs/limits.md, "Other formats"): TIFF decodes into its own buffer and copies (2 x 3 B/px),
# WebP decodes lossless through 4-byte ARGB (7 B/px), GIF keeps a 4-byte canvas.
CEILING_BY_PREFIX = {"gen_tiff_64mp_deflate": 450, "gen_webp_64mp": 500, "gen_gif_64mp": 350}


def ceiling(name):
    return next((mb for p, mb in CEILING_BY_PREFIX.items() if os.path.basename(name).startswith(p)), CEILING_MB)


def png_chunk(ty, body):
    return struct.pack(">I", len(body)) + ty + body + struct.pack(">I", zlib.crc32(ty + body))


def png_raw(w, h, idat, extra=b"", colour=2, depth=8):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra
            + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def tiff_strip(w, h, strip, compression=1):
    """A little-endian RGB TIFF with one strip (its header may claim more than it holds)."""
    entries = [(256, 4, w), (257, 4, h), (258, 3, 8), (259, 3, compression), (262, 3, 2),
               (273, 4, 0), (277, 3, 3), (278, 4, h), (279, 4, len(strip))]
    data_off = 8 + 2 + len(entries) * 12 + 4
    out = b"II*\0" + struct.pack("<IH", 8, len(entries))
    for tag, typ, val in entries:
        val = data_off if tag == 273 else val
        out += struct.pack("<HHIHH", tag, typ, 1, val, 0) if typ == 3 else struct.pack("<HHII", tag, typ, 1, val)
    return out + struct.pack("<I", 0) + strip


def deflate_zeros(max_out):
    """A deflate stream of zeros, as long as fits in max_out bytes (~1000x that inflated)."""
    c = zlib.compressobj(9)
    zeros = b"\0" * (1 << 20)
    out = bytearray()
    while len(out) < max_out - 65536:
        out += c.compress(zeros)
    return bytes(out + c.flush())


def generated(tmp):
    out = []
    def put(name, data):
        p = os.path.join(tmp, name)
        with open(p, "wb") as f:
            f.write(data)
        out.append(p)
    # 8000x8000 = 64,000,000 px (exactly the pixel cap) RGB; 16-bit RGBA at the same size
    # would need 512 MB for the decoder alone and is refused by max_decode_bytes.
    put("gen_png_64mp_tiny_idat.png", png_raw(8000, 8000, zlib.compress(b"\0" * 24001 * 16)))
    put("gen_png_64mp_rgba16_tiny_idat.png",
        png_raw(8000, 8000, zlib.compress(b"\0" * 64001 * 4), colour=6, depth=16))
    # The whole 64 MP image of zeros: a real 64 MB-per-plane decode (deflate ~190 KB).
    put("gen_png_64mp_full_zeros.png", png_raw(8000, 8000, zlib.compress(b"\0" * (24001 * 8000), 9)))
    base = open(os.path.join(ROOT, "crates/preflight/tests/data/hostile/png_text_chunks_1000.png"), "rb").read()
    put("gen_png_text_5mib.png", base[:33] + png_chunk(b"tEXt", b"k\0" + b"a" * (5 << 20)) + base[33:])
    put("gen_png_ztxt_4gb_bomb.png",
        base[:33] + png_chunk(b"zTXt", b"k\0\0" + deflate_zeros((4 << 20) - 4096)) + base[33:])
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.jpg", b"\0" * (64 << 20))
    put("gen_zip_64mib_zeros.zip", b.getvalue())
    # A JPEG header claiming 16384x3906 (64.0 MP) over a few bytes of scan.
    j = open(os.path.join(ROOT, "crates/preflight/tests/data/hostile/base.jpg"), "rb").read()
    i = j.index(b"\xff\xc0")
    jb = bytearray(j)
    jb[i + 5:i + 9] = struct.pack(">HH", 3906, 16384)
    put("gen_jpeg_64mp_header_small_scan.jpg", bytes(jb))
    # The other formats (issue 18) at the pixel cap, legitimate but all zeros: what their
    # decoders cost at the largest image accepted (CEILING_BY_PREFIX).
    from PIL import Image
    for name, fmt, kw in (("gen_webp_64mp_lossless.webp", "WEBP", {"lossless": True}),
                          ("gen_gif_64mp.gif", "GIF", {})):
        b = io.BytesIO()
        Image.new("RGB" if fmt == "WEBP" else "P", (16000, 4000)).save(b, fmt, **kw)
        put(name, b.getvalue())
    put("gen_tiff_64mp_deflate_zeros.tif", tiff_strip(16000, 4000, zlib.compress(b"\0" * (16000 * 4000 * 3), 9), 8))
    put("gen_tiff_64mp_header_tiny_strip.tif", tiff_strip(16000, 4000, b"\0" * 100))
    return out


def inputs(tmp):
    files = []
    for d in ("crates/preflight/tests/data/hostile", "crates/preflight/tests/data/regression"):
        for dirpath, _, names in os.walk(os.path.join(ROOT, d)):
            for n in sorted(names):
                if n in ("MANIFEST", "README.md") or n.endswith(".py"):
                    continue
                files.append(os.path.join(dirpath, n))
    return sorted(files) + generated(tmp)


def run(cmd):
    """Peak RSS (MB), wall seconds and exit code of one command, measured by GNU time: a
    child forked from this Python process would start with Python's own RSS."""
    with tempfile.NamedTemporaryFile("r") as t:
        start = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%M %x", "-o", t.name] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
        kb, code = t.read().split()[-2:]
    return int(kb) / 1024.0, wall, int(code)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/preflight"))
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.jpg")
        for f in inputs(tmp):
            cmds = [("check", [args.bin, "check", "--json", "-j", "1", f])]
            if not f.endswith(".zip"):
                cmds.append(("fix", [args.bin, "fix", "--class", "selfie", f, "-o", out]))
            for what, cmd in cmds:
                mb, wall, code = run(cmd)
                rows.append((mb, wall, code, what, os.path.relpath(f, ROOT) if f.startswith(ROOT) else os.path.basename(f)))
    print(f"{'peak MB':>8} {'wall s':>7} {'exit':>4}  cmd    input")
    for mb, wall, code, what, name in rows:
        print(f"{mb:8.1f} {wall:7.3f} {code:4d}  {what:6} {name}")
    worst = max(rows)
    slowest = max(rows, key=lambda r: r[1])
    print(f"\n{len(rows)} runs; worst peak RSS {worst[0]:.1f} MB ({worst[3]} {worst[4]}); "
          f"slowest {slowest[1]:.3f} s ({slowest[3]} {slowest[4]})")
    crashed = [r for r in rows if r[2] not in (0, 1, 2)]
    over = [r for r in rows if r[0] > ceiling(r[4])]
    for r in crashed:
        print(f"ABNORMAL EXIT {r[2]}: {r[3]} {r[4]}")
    for r in over:
        print(f"OVER {ceiling(r[4])} MB: {r[0]:.1f} MB {r[3]} {r[4]}")
    sys.exit(1 if crashed or over else 0)


if __name__ == "__main__":
    main()
