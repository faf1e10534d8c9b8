#!/usr/bin/env python3
"""Regenerate the committed malformed-input corpus in crates/preflight/tests/data/hostile/ (Pillow + zipfile).

One file per hazard; MANIFEST lists what `preflight check` must report for each input (an
archive's entries appear as `archive.zip!entry`). Hazards that need big or many variants
(truncation at many offsets, a 5 MiB text chunk, 10,001 archive entries) are generated
inside crates/preflight/tests/it/hostile.rs instead. Run: python3 crates/preflight/tests/data/hostile/gen.py
"""
import io, os, struct, zipfile, zlib
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
manifest = []

def put(name, data, *expect):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    if expect:
        manifest.append((name, expect))

def expect(name, *e):
    manifest.append((name, e))

def base_image(w=160, h=120):
    im = Image.new("RGB", (w, h))
    px = im.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = ((x * 5) % 256, (y * 7) % 256, ((x + y) * 3) % 256)
    return im

def jpeg(im, **kw):
    b = io.BytesIO(); im.save(b, "JPEG", **kw); return b.getvalue()

def png_chunk(ty, body):
    return struct.pack(">I", len(body)) + ty + body + struct.pack(">I", zlib.crc32(ty + body))

def png_raw(w, h, idat, extra=b"", colour=2, depth=8):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra +
            png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))

def tiff(orientation, le=False, loop=False):
    e = "<" if le else ">"
    head = (b"II" if le else b"MM") + struct.pack(e + "HI", 42, 8)
    ifd = struct.pack(e + "H", 1) + struct.pack(e + "HHI", 0x0112, 3, 1)
    ifd += struct.pack(e + "HH", orientation, 0) + struct.pack(e + "I", 8 if loop else 0)
    return head + ifd

def app1(t):
    seg = b"Exif\0\0" + t
    return b"\xff\xe1" + struct.pack(">H", len(seg) + 2) + seg

def with_segments(j, *segs):
    return j[:2] + b"".join(segs) + j[2:]

def set_sof(j, **kw):
    """Patch the first SOF0 (precision, height, width, marker)."""
    i = j.index(b"\xff\xc0")
    b = bytearray(j)
    if "marker" in kw: b[i + 1] = kw["marker"]
    if "precision" in kw: b[i + 4] = kw["precision"]
    if "height" in kw: b[i + 5:i + 7] = struct.pack(">H", kw["height"])
    if "width" in kw: b[i + 7:i + 9] = struct.pack(">H", kw["width"])
    return bytes(b)

im = base_image()
good = jpeg(im, quality=85)
put("base.jpg", good, "finding:resolution_too_low")

# --- JPEG structure ------------------------------------------------------------------
put("jpeg_missing_eoi.jpg", good[:-2], "finding:truncated")
put("jpeg_cut_in_scan.jpg", good[: len(good) // 2], "finding:truncated")
put("jpeg_cut_in_header.jpg", good[:40], "error:decode_failed")
small_zip = io.BytesIO()
with zipfile.ZipFile(small_zip, "w") as zf:
    zf.writestr(zipfile.ZipInfo("payload.txt"), "polyglot")  # fixed date: reproducible
put("jpeg_trailing_zip.jpg", good + small_zip.getvalue(), "finding:trailing_data")
put("jpeg_trailing_html.jpg", good + b"<html><script>alert(1)</script></html>", "finding:trailing_data")
put("jpeg_sof_0x0.jpg", set_sof(good, width=0, height=0), "error:bad_dimensions")
put("jpeg_64mp_header_tiny_scan.jpg", set_sof(good, width=16384, height=3906), "error:decode_failed")
put("jpeg_sof_65535x65535.jpg", set_sof(good, width=65535, height=65535), "error:bad_dimensions")
put("jpeg_12bit.jpg", set_sof(good, precision=12), "error:unsupported_format")
put("jpeg_arithmetic.jpg", set_sof(good, marker=0xC9), "error:unsupported_format")
put("jpeg_lossless.jpg", set_sof(good, marker=0xC3), "error:unsupported_format")
put("jpeg_hierarchical.jpg", set_sof(good, marker=0xC5), "error:unsupported_format")
put("jpeg_cmyk.jpg", jpeg(base_image(96, 64).convert("CMYK"), quality=80), "finding:resolution_too_low")
put("jpeg_double_soi.jpg", good[:2] + good, "error:decode_failed")
put("jpeg_many_app_segments.jpg",
    with_segments(good, *[b"\xff\xe5\x00\x04ab"] * 300), "error:metadata_too_large")

# --- EXIF -----------------------------------------------------------------------------
put("exif_ifd_loop.jpg", with_segments(good, app1(tiff(6, loop=True))), "finding:exif_unreadable")
for o in (0, 9, 65535):
    put(f"exif_orientation_{o}.jpg", with_segments(good, app1(tiff(o))), "finding:exif_orientation_invalid")
put("exif_two_app1_disagree.jpg",
    with_segments(good, app1(tiff(6)), app1(tiff(3, le=True))), "finding:exif_conflict")
put("exif_garbage.jpg", with_segments(good, app1(b"MM\0\x2a\xff\xff\xff\xff")), "finding:exif_unreadable")

# --- PNG ------------------------------------------------------------------------------
row = b"\0" + b"\x80" * 3 * 64
put("png_bomb_16384x16384.png", png_raw(16384, 16384, zlib.compress(row * 4)), "error:too_many_pixels")
put("png_bomb_8000x8000.png", png_raw(8000, 8000, zlib.compress(b"\0" * 24001 * 8)), "error:decode_failed")
put("png_bomb_65535x1.png", png_raw(65535, 1, zlib.compress(b"\0" * 10)), "error:bad_dimensions")
put("png_0x0.png", png_raw(0, 0, zlib.compress(b"")), "error:bad_dimensions")
ok_idat = zlib.compress(b"".join(b"\0" + bytes((x * 3 + y) % 256 for x in range(48 * 3)) for y in range(32)))
ztxt_bomb = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"\0" * (64 << 20), 9))
put("png_ztxt_bomb.png", png_raw(48, 32, ok_idat, extra=ztxt_bomb), "finding:resolution_too_low")
itxt_bomb = png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\x01\0\0\0" + zlib.compress(b"A" * (64 << 20), 9))
put("png_itxt_bomb.png", png_raw(48, 32, ok_idat, extra=itxt_bomb), "finding:resolution_too_low")
many_text = b"".join(png_chunk(b"tEXt", b"k\0v") for _ in range(1000))
put("png_text_chunks_1000.png", png_raw(48, 32, ok_idat, extra=many_text), "error:metadata_too_large")
put("png_exif_loop.png", png_raw(48, 32, ok_idat, extra=png_chunk(b"eXIf", tiff(6, loop=True))), "finding:exif_unreadable")
put("png_truncated_idat.png", png_raw(48, 32, ok_idat)[:60], "error:decode_failed")
ok_png = png_raw(48, 32, ok_idat)
put("png_bad_crc.png", ok_png[:-16] + b"\0\0\0\0" + ok_png[-12:], "error:decode_failed")  # IDAT CRC zeroed
put("png_bad_adler32.png", ok_png[:-20] + b"\0\0\0\0" + ok_png[-16:], "error:decode_failed")  # zlib checksum zeroed
put("png_apng.png", png_raw(48, 32, ok_idat, extra=png_chunk(b"acTL", b"\0\0\0\1\0\0\0\0")), "error:unsupported_format")

# --- format confusion ----------------------------------------------------------------
put("empty.jpg", b"", "error:unsupported_format")
put("one_byte.jpg", b"\xff", "error:unsupported_format")
put("html_named.jpg", b"<!doctype html><html></html>", "error:unsupported_format")
# A GIF header with no image in it, named .jpg: recognised by content, refused as empty.
put("gif_named.jpg", b"GIF89a\x01\0\x01\0\0\0\0;", "error:decode_failed")

# --- the other formats (issue 18): decoded by content, whatever the name -------------------
def saved(im, fmt, **kw):
    b = io.BytesIO(); im.save(b, fmt, **kw); return b.getvalue()

def tiff_strip(w, h, strip, compression=1):
    """A little-endian RGB TIFF with one strip, written by hand so its header can lie."""
    entries = [(256, 4, w), (257, 4, h), (258, 3, 8), (259, 3, compression), (262, 3, 2),
               (273, 4, 0), (277, 3, 3), (278, 4, h), (279, 4, len(strip))]
    data_off = 8 + 2 + len(entries) * 12 + 4
    out = b"II*\0" + struct.pack("<IH", 8, len(entries))
    for tag, typ, val in entries:
        val = data_off if tag == 273 else val
        out += struct.pack("<HHIHH", tag, typ, 1, val, 0) if typ == 3 else struct.pack("<HHII", tag, typ, 1, val)
    return out + struct.pack("<I", 0) + strip

img = base_image(160, 120)
put("bmp_scan_named.jpg", saved(img, "BMP"), "finding:not_jpeg")
put("bmp_64mp_header_tiny_body.bmp",
    b"BM" + struct.pack("<IHHI", 154, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 16000, 4000, 1, 24, 0, 0, 0, 0, 0, 0) + b"\0" * 100,
    "error:decode_failed")
put("bmp_65535x65535.bmp",
    b"BM" + struct.pack("<IHHI", 154, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 65535, 65535, 1, 24, 0, 0, 0, 0, 0, 0) + b"\0" * 100,
    "error:bad_dimensions")
tif = saved(img, "TIFF", compression="tiff_lzw")
put("tiff_lzw.tif", tif, "finding:not_jpeg")
put("tiff_truncated.tif", tif[: len(tif) // 2], "error:decode_failed")
put("tiff_64mp_header_tiny_strip.tif", tiff_strip(16000, 4000, b"\0" * 100), "error:decode_failed")
put("tiff_multipage.tif", saved(img, "TIFF", save_all=True, append_images=[img.rotate(90)]),
    "finding:first_frame_only")
webp = saved(img, "WEBP", quality=80)
put("webp_lossy.webp", webp, "finding:not_jpeg")
put("webp_truncated.webp", webp[: len(webp) // 2], "error:decode_failed")
put("webp_animated.webp", saved(img, "WEBP", save_all=True, append_images=[img.rotate(180)], duration=100),
    "finding:first_frame_only")
gif = saved(img.quantize(64), "GIF")
put("gif_truncated.gif", gif[: len(gif) // 2], "error:decode_failed")
put("gif_animated.gif", saved(img.quantize(64), "GIF", save_all=True, append_images=[img.rotate(180).quantize(64)]),
    "finding:first_frame_only")
put("heic_named.jpg", struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0mif1heic", "error:unsupported_format")
put("avif_named.jpg", struct.pack(">I", 20) + b"ftypavif" + b"\0\0\0\0mif1", "error:unsupported_format")

# --- archives -------------------------------------------------------------------------
small = jpeg(base_image(64, 48), quality=80)

def zbytes(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as zf:
        for e in entries:
            info, data = e
            if isinstance(info, str):
                info = zipfile.ZipInfo(info)
            zf.writestr(info, data)
    return b.getvalue()

# A GIF that is also a zip (a polyglot): read as the GIF it starts with.
put("gif_zip_polyglot.gif", gif + zbytes([("a.txt", b"hello")]), "finding:not_jpeg")

def zput(name, entries, per_entry):
    put(name, zbytes(entries))
    for entry, e in per_entry:
        expect(f"{name}!{entry}", e)

zput("zip_traversal.zip", [("ok.jpg", small), ("../evil.jpg", small), ("a/../../evil2.jpg", small)],
     [("ok.jpg", "finding:resolution_too_low"), ("../evil.jpg", "error:archive_refused"),
      ("a/../../evil2.jpg", "error:archive_refused")])
zput("zip_absolute.zip", [("/etc/evil.jpg", small), ("C:\\win\\evil.jpg", small), ("D:/evil.jpg", small),
                          ("\\\\server\\share\\evil.jpg", small)],
     [("/etc/evil.jpg", "error:archive_refused"), ("C:\\win\\evil.jpg", "error:archive_refused"),
      ("D:/evil.jpg", "error:archive_refused"), ("\\\\server\\share\\evil.jpg", "error:archive_refused")])
import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    zput("zip_duplicate.zip", [("front.jpg", small), ("front.jpg", good), ("FRONT.JPG", small), ("back.jpg", small)],
         [("front.jpg", "error:archive_refused"), ("front.jpg", "error:archive_refused"),
          ("FRONT.JPG", "error:archive_refused"), ("back.jpg", "finding:resolution_too_low")])

# Declared size lies: 200 KB of zeros, both headers say 1,000 bytes.
def patch_sizes(data, name, size):
    b = bytearray(data)
    lh = b.index(b"PK\x03\x04")
    b[lh + 22:lh + 26] = struct.pack("<I", size)
    ch = b.index(b"PK\x01\x02")
    b[ch + 24:ch + 28] = struct.pack("<I", size)
    return bytes(b)
zi = zipfile.ZipInfo("liar.jpg"); zi.compress_type = zipfile.ZIP_DEFLATED
put("zip_size_lie.zip", patch_sizes(zbytes([(zi, good + b"\0" * 200_000)]), "liar.jpg", 1000))
expect("zip_size_lie.zip!liar.jpg", "error:archive_refused")

# Overlapping entries: a second central record pointing at the first entry's local header.
def overlap():
    data = zbytes([("a.jpg", small)])
    eocd = data.rindex(b"PK\x05\x06")
    cd_off = struct.unpack("<I", data[eocd + 16:eocd + 20])[0]
    cd = data[cd_off:eocd]
    rec2 = bytearray(cd)
    rec2[46:51] = b"b.jpg"
    cd2 = cd + bytes(rec2)
    e = bytearray(data[eocd:])
    e[8:10] = struct.pack("<H", 2); e[10:12] = struct.pack("<H", 2)
    e[12:16] = struct.pack("<I", len(cd2))
    return data[:cd_off] + cd2 + bytes(e)
put("zip_overlap.zip", overlap())
expect("zip_overlap.zip!a.jpg", "error:archive_refused")
expect("zip_overlap.zip!b.jpg", "error:archive_refused")

sl = zipfile.ZipInfo("link.jpg"); sl.create_system = 3; sl.external_attr = (0o120777 << 16)
zput("zip_symlink.zip", [(sl, "/etc/passwd"), ("ok.jpg", small)],
     [("link.jpg", "error:archive_refused"), ("ok.jpg", "finding:resolution_too_low")])

def encrypted():
    b = bytearray(zbytes([("secret.jpg", small)]))
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = b.index(sig)
        b[i + off] |= 1
    return bytes(b)
put("zip_encrypted.zip", encrypted())
expect("zip_encrypted.zip!secret.jpg", "error:archive_refused")

inner = zbytes([("inner.jpg", small)])
zput("zip_nested.zip", [("inner.zip", inner), ("disguised.jpg", inner), ("ok.jpg", small)],
     [("inner.zip", "error:archive_refused"), ("disguised.jpg", "error:archive_refused"),
      ("ok.jpg", "finding:resolution_too_low")])

zb = zipfile.ZipInfo("bomb.jpg"); zb.compress_type = zipfile.ZIP_DEFLATED
zput("zip_ratio_bomb.zip", [(zb, b"\0" * (16 << 20))], [("bomb.jpg", "error:archive_refused")])

put("zip_not_really.zip", b"PK\x03\x04 this is not a zip", "error:archive_refused")
put("zip_prepended.zip", b"MZ" + b"\0" * 100 + zbytes([("a.jpg", small)]), "error:archive_refused")
zput("zip_backslash_and_nul.zip", [("dir\\x.jpg", small), ("x\x01.jpg", small)],
     [("dir\\x.jpg", "error:archive_refused"), ("x\x01.jpg", "error:archive_refused")])

with open(os.path.join(HERE, "MANIFEST"), "w") as f:
    f.write("# input<TAB>expected (error:<code> = verdict error with that code; finding:<code> = evaluated, finding present)\n")
    for name, es in manifest:
        for e in es:
            f.write(name.replace("\x01", "\\x01") + f"\t{e}\n")
print(len(manifest), "expectations")
