#!/usr/bin/env python3
"""Write the small committed seed corpus for the fuzz targets (fuzz/seeds/<target>/).

Run from anywhere: python3 fuzz/seeds/gen.py. Needs Pillow. Every seed is < 8 KB."""
import io, os, struct, zipfile
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))

def put(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def tiff_orientation(value, le=False, loop=False):
    e = "<" if le else ">"
    head = (b"II" if le else b"MM") + struct.pack(e + "HI", 42, 8)
    ifd = struct.pack(e + "H", 1) + struct.pack(e + "HHI", 0x0112, 3, 1) + struct.pack(e + "HH", value, 0)
    ifd += struct.pack(e + "I", 8 if loop else 0)
    return head + ifd

def img(mode, size, seed=0):
    im = Image.new(mode, size)
    px = im.load()
    for y in range(size[1]):
        for x in range(size[0]):
            v = (x * 7 + y * 13 + seed) % 256
            px[x, y] = v if mode in ("L", "P") else ((v, 255 - v, (v * 3) % 256) if mode == "RGB" else (v, 255 - v, v // 2, 128))
    return im

def jpeg(im, **kw):
    b = io.BytesIO(); im.save(b, "JPEG", **kw); return b.getvalue()

def png(im, **kw):
    b = io.BytesIO(); im.save(b, "PNG", **kw); return b.getvalue()

def with_exif(j, tiff):
    seg = b"Exif\0\0" + tiff
    return j[:2] + b"\xff\xe1" + struct.pack(">H", len(seg) + 2) + seg + j[2:]

rgb = img("RGB", (24, 16))
images = {
    "baseline.jpg": jpeg(rgb, quality=75),
    "progressive.jpg": jpeg(rgb, quality=75, progressive=True),
    "grey.jpg": jpeg(img("L", (16, 16)), quality=60),
    "cmyk.jpg": jpeg(img("CMYK", (8, 8)), quality=60),
    "subsample444.jpg": jpeg(rgb, quality=90, subsampling=0),
    "orient6.jpg": with_exif(jpeg(rgb, quality=70), tiff_orientation(6)),
    "orient9_le.jpg": with_exif(jpeg(rgb, quality=70), tiff_orientation(9, le=True)),
    "rgb.png": png(rgb),
    "grey.png": png(img("L", (16, 8))),
    "palette.png": png(img("L", (16, 8)).convert("P")),
    "interlaced.png": png(rgb, optimize=False),
    "rgba.png": png(img("RGBA", (16, 12))),
}
def saved(im, fmt, **kw):
    b = io.BytesIO(); im.save(b, fmt, **kw); return b.getvalue()
images.update({
    "rgb.bmp": saved(rgb, "BMP"),
    "palette.bmp": saved(img("L", (16, 8)).convert("P"), "BMP"),
    "lzw.tif": saved(rgb, "TIFF", compression="tiff_lzw"),
    "grey16.tif": saved(img("L", (16, 8)).convert("I;16"), "TIFF"),
    "orient6.tif": saved(rgb, "TIFF", tiffinfo={274: 6}),
    "two_pages.tif": saved(rgb, "TIFF", save_all=True, append_images=[img("L", (8, 8))]),
    "lossy.webp": saved(rgb, "WEBP", quality=60),
    "lossless_alpha.webp": saved(img("RGBA", (16, 12)), "WEBP", lossless=True),
    "animated.webp": saved(rgb, "WEBP", save_all=True, append_images=[rgb.rotate(180)], duration=50),
    "animated.gif": saved(rgb.quantize(16), "GIF", save_all=True, append_images=[rgb.rotate(180).quantize(16)]),
})
images["truncated.jpg"] = images["baseline.jpg"][: len(images["baseline.jpg"]) // 2]
for name, data in images.items():
    put("probe", name, data)
    put("check", name, data)

put("exif", "be_orient6.tif", tiff_orientation(6))
put("exif", "le_orient3.tif", tiff_orientation(3, le=True))
put("exif", "loop.tif", tiff_orientation(1, loop=True))
put("exif", "orient65535.tif", tiff_orientation(65535))

# fix: 6 header bytes (w, h, kind, class, orientation, quality) + pixel bytes.
# kind 0x80 | format << 2 | alpha << 6 | rgb: BMP, TIFF, WebP, GIF (fix_input.rs).
put("fix", "bmp_rgb_id", bytes([50, 30, 0x81, 0, 1, 90]) + bytes(range(256)))
put("fix", "tiff_grey_alpha_passport", bytes([30, 50, 0xC4, 1, 1, 90]) + bytes(range(0, 256, 5)))
put("fix", "webp_rgba_selfie", bytes([40, 40, 0xC9, 2, 1, 90]) + bytes(range(255, 0, -3)))
put("fix", "gif_rgb_liveness", bytes([20, 30, 0x8D, 3, 1, 90]) + bytes(range(256)))
put("fix", "png_rgb_selfie", bytes([40, 30, 1, 2, 1, 90]) + bytes(range(256)))
put("fix", "jpeg_grey_id", bytes([60, 40, 2, 0, 6, 80]) + bytes(range(0, 256, 3)))
put("fix", "jpeg_rgb_liveness", bytes([95, 95, 3, 3, 8, 95]) + bytes(range(255, 0, -1)))

def z(entries, **kw):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", **kw) as zf:
        for name, data, method in entries:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return b.getvalue()

S, D = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
put("archive", "two.zip", z([("a.jpg", images["baseline.jpg"], S), ("b/c.png", images["rgb.png"], D)]))
put("archive", "traversal.zip", z([("../x.jpg", b"x", S), ("/abs.jpg", b"y", S)]))
put("archive", "zeros.zip", z([("zeros.bin", b"\0" * 100000, D)]))
put("archive", "nested.zip", z([("inner.zip", z([("a.jpg", b"hello", S)]), S)]))
