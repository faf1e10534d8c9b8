//! Every input format (issue 18): BMP, TIFF (8 and 16 bits, grey, pages, orientation tag),
//! WebP (lossless, alpha, EXIF orientation), GIF, PNG with alpha or 16 bits, CMYK and grey
//! JPEG. Each is recognised by content whatever its name, checked, and turned by `fix` into
//! an upright baseline JPEG whose pixels match the source. Lossy WebP, animated files,
//! truncations and bombs are in the hostile corpus (tests/data/hostile/, made with Pillow).

use crate::common::{decode_rgb, mean_abs_diff, photo_rgb};
use image::{DynamicImage, ImageBuffer, ImageFormat, Luma, Rgb, Rgba};
use kyc_preflight::internal::decode::decode;
use kyc_preflight::internal::probe;
use kyc_preflight::{check, fix, DocumentClass, FindingCode, Limits, Policy, Scratch, Verdict};
use std::io::Cursor;

// Selfie class: no byte-window minimum, so small images still get an output.
const W: u32 = 720;
const H: u32 = 540;

fn source() -> Vec<u8> {
    photo_rgb(W, H, 4.0, 18)
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format)
        .expect("encodes");
    out
}

fn rgb_image(rgb: &[u8]) -> DynamicImage {
    DynamicImage::ImageRgb8(ImageBuffer::from_raw(W, H, rgb.to_vec()).unwrap())
}

/// `fix` of `data` (named `name`, not by its format) as a selfie: the report's format, and
/// the output decoded to RGB.
fn fixed(data: &[u8], name: &str) -> (kyc_preflight::Report, Vec<u8>) {
    let policy = Policy::for_class(DocumentClass::Selfie);
    let f = fix(data, name, &policy, &mut Scratch::new());
    let jpeg = f
        .jpeg
        .unwrap_or_else(|| panic!("{name}: no output: {:?}", f.report));
    let p = probe(&jpeg, &Limits::default()).unwrap();
    assert_eq!(p.format.as_str(), "jpeg");
    assert_eq!(
        p.coding,
        Some(kyc_preflight::internal::JpegCoding::Baseline)
    );
    assert!(!p.has_private_metadata(), "{name}");
    let (w, h, rgb) = decode_rgb(&jpeg);
    assert_eq!((w, h), (W as usize, H as usize), "{name}");
    (f.report, rgb)
}

#[test]
fn every_format_is_read_by_content_and_fixed_into_a_faithful_jpeg() {
    let src = source();
    let img = rgb_image(&src);
    let wide = |v: u8| u16::from(v) * 257;
    let rgb16 = DynamicImage::ImageRgb16(ImageBuffer::from_fn(W, H, |x, y| {
        let i = 3 * (y * W + x) as usize;
        Rgb([wide(src[i]), wide(src[i + 1]), wide(src[i + 2])])
    }));
    let grey: Vec<u8> = src.chunks_exact(3).map(|p| p[1]).collect();
    let grey_rgb: Vec<u8> = grey.iter().flat_map(|&g| [g; 3]).collect();
    let luma16 = DynamicImage::ImageLuma16(ImageBuffer::from_fn(W, H, |x, y| {
        Luma([wide(grey[(y * W + x) as usize])])
    }));
    let opaque = DynamicImage::ImageRgba8(img.to_rgba8());
    let cmyk: Vec<u8> = src
        .chunks_exact(3)
        .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0])
        .collect();
    let mut cmyk_jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut cmyk_jpeg, 95)
        .encode(&cmyk, W as u16, H as u16, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let mut grey_jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut grey_jpeg, 95)
        .encode(&grey, W as u16, H as u16, jpeg_encoder::ColorType::Luma)
        .unwrap();
    // Every lossless file of the same pixels must give the very JPEG an 8-bit RGB PNG gives:
    // same decoded pixels, same size search, same bytes.
    let policy = Policy::for_class(DocumentClass::Selfie);
    let reference = |data: &[u8]| fix(data, "ref.png", &policy, &mut Scratch::new()).jpeg;
    let png_rgb = reference(&encode(&img, ImageFormat::Png)).unwrap();
    let png_grey = reference(&encode(
        &DynamicImage::ImageLuma8(ImageBuffer::from_raw(W, H, grey.clone()).unwrap()),
        ImageFormat::Png,
    ))
    .unwrap();
    let lossless: Vec<(&str, Vec<u8>, &[u8])> = vec![
        ("bmp", encode(&img, ImageFormat::Bmp), &png_rgb),
        ("tiff", encode(&img, ImageFormat::Tiff), &png_rgb),
        ("tiff", encode(&rgb16, ImageFormat::Tiff), &png_rgb),
        ("tiff", encode(&luma16, ImageFormat::Tiff), &png_grey),
        ("webp", encode(&img, ImageFormat::WebP), &png_rgb),
        ("webp", encode(&opaque, ImageFormat::WebP), &png_rgb),
        ("png", encode(&rgb16, ImageFormat::Png), &png_rgb),
        ("png", encode(&opaque, ImageFormat::Png), &png_rgb),
    ];
    let policy = Policy::for_class(DocumentClass::Selfie);
    for (k, (format, data, want)) in lossless.iter().enumerate() {
        let f = fix(data, "lossless.jpg", &policy, &mut Scratch::new());
        assert_eq!(f.report.input.as_ref().unwrap().format, *format, "case {k}");
        assert!(
            f.jpeg.as_deref() == Some(*want),
            "case {k} ({format}): another JPEG"
        );
    }
    // Through a JPEG the pixels match the source within what the coding costs (measured: BMP
    // 1.65 levels, grey TIFF 1.57, GIF 1.67, CMYK JPEG 1.85, grey JPEG 1.25); a swapped
    // channel, an inverted CMYK or a lost row costs tens of levels.
    // (format in the report, file, the pixels it holds, largest mean difference allowed).
    let cases: Vec<(&str, Vec<u8>, &[u8], f64)> = vec![
        ("bmp", encode(&img, ImageFormat::Bmp), &src, 2.0),
        ("tiff", encode(&luma16, ImageFormat::Tiff), &grey_rgb, 2.0),
        // 256 colours chosen by the encoder: the palette may cost a level more.
        ("gif", encode(&img, ImageFormat::Gif), &src, 3.0),
        ("jpeg", cmyk_jpeg, &src, 2.5),
        ("jpeg", grey_jpeg, &grey_rgb, 2.0),
    ];
    for (k, (format, data, want, tolerance)) in cases.iter().enumerate() {
        // Named .jpg whatever it is: the content decides.
        let name = format!("case{k}.jpg");
        let (report, got) = fixed(data, &name);
        assert_eq!(report.input.as_ref().unwrap().format, *format, "{name}");
        let not_jpeg = report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::NotJpeg);
        assert_eq!(not_jpeg, *format != "jpeg", "{name}");
        let diff = mean_abs_diff(&got, want);
        assert!(
            diff < *tolerance,
            "{name} ({format}): mean difference {diff:.2}"
        );
    }
}

#[test]
fn transparency_is_flattened_on_white() {
    let src = source();
    // The left half fully transparent, the right half opaque.
    let rgba = DynamicImage::ImageRgba8(ImageBuffer::from_fn(W, H, |x, y| {
        let i = 3 * (y * W + x) as usize;
        Rgba([
            src[i],
            src[i + 1],
            src[i + 2],
            if x < W / 2 { 0 } else { 255 },
        ])
    }));
    for format in [ImageFormat::Png, ImageFormat::WebP, ImageFormat::Tiff] {
        let (_, got) = fixed(&encode(&rgba, format), "alpha");
        let (mut left, mut right_got, mut right_want) = (Vec::new(), Vec::new(), Vec::new());
        for y in 0..H as usize {
            // Keep away from the seam, where 4:2:0 chroma and the DCT blend the halves.
            for x in (0..W as usize).filter(|x| x.abs_diff(W as usize / 2) > 16) {
                let i = 3 * (y * W as usize + x);
                if x < W as usize / 2 {
                    left.extend_from_slice(&got[i..i + 3]);
                } else {
                    right_got.extend_from_slice(&got[i..i + 3]);
                    right_want.extend_from_slice(&src[i..i + 3]);
                }
            }
        }
        let white = vec![255u8; left.len()];
        assert!(
            mean_abs_diff(&left, &white) < 1.0,
            "{format:?}: transparent is not white"
        );
        assert!(mean_abs_diff(&right_got, &right_want) < 2.0, "{format:?}");
    }
}

#[test]
fn sixteen_bit_samples_are_rounded_not_truncated() {
    // 0x00FF is 0.99 of an 8-bit level and 0xFF00 is 254.0: the nearest values are 1 and 254,
    // where keeping the high byte gives 0 and 255. PNG stores big-endian, TIFF as written.
    let img = DynamicImage::ImageLuma16(ImageBuffer::from_fn(16, 16, |x, _| {
        Luma([if x < 8 { 0x00FF } else { 0xFF00 }])
    }));
    for format in [ImageFormat::Png, ImageFormat::Tiff] {
        let data = encode(&img, format);
        let limits = Limits::default();
        let p = probe(&data, &limits).unwrap();
        let mut buf = Vec::new();
        decode(&data, &p, &limits, &mut buf).unwrap();
        assert_eq!(buf.len(), 16 * 16 * 3);
        assert_eq!(&buf[..3], &[1, 1, 1], "{format:?}");
        assert_eq!(&buf[3 * 15..3 * 16], &[254, 254, 254], "{format:?}");
    }
}

/// The TIFF structure of an EXIF block holding only an orientation tag.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut t = b"II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    t.extend_from_slice(&value.to_le_bytes());
    t.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    t
}

#[test]
fn orientation_of_tiff_and_webp_turns_the_picture_upright() {
    let src = source();
    // Stored turned 90° anticlockwise; orientation 6 says "turn 90° clockwise to view".
    let stored = rgb_image(&src).rotate270();
    let (sw, sh) = (stored.width(), stored.height());
    let raw = stored.to_rgb8().into_raw();

    let mut tif = Vec::new();
    {
        let mut enc = tiff::encoder::TiffEncoder::new(Cursor::new(&mut tif)).unwrap();
        let mut page = enc
            .new_image::<tiff::encoder::colortype::RGB8>(sw, sh)
            .unwrap();
        page.encoder()
            .write_tag(tiff::tags::Tag::Orientation, 6u16)
            .unwrap();
        page.write_data(&raw).unwrap();
    }
    let mut webp = Vec::new();
    {
        use image::ImageEncoder;
        let mut enc = image::codecs::webp::WebPEncoder::new_lossless(&mut webp);
        enc.set_exif_metadata(exif_orientation(6)).unwrap();
        enc.write_image(&raw, sw, sh, image::ExtendedColorType::Rgb8)
            .unwrap();
    }
    for (name, data) in [("tiff", tif), ("webp", webp)] {
        let (report, got) = fixed(&data, name);
        let input = report.input.as_ref().unwrap();
        assert_eq!((input.format, input.orientation), (name, Some(6)));
        assert!(report
            .findings
            .iter()
            .any(|f| f.code == FindingCode::OrientationCorrected));
        let diff = mean_abs_diff(&got, &src);
        assert!(diff < 2.0, "{name} is not upright: {diff:.2}");
    }
}

#[test]
fn heic_and_avif_are_named_in_the_refusal() {
    let policy = Policy::for_class(DocumentClass::IdCard);
    for (brand, says) in [(&b"heic"[..], "HEIC"), (b"mif1", "HEIC"), (b"avif", "AVIF")] {
        let mut data = 24u32.to_be_bytes().to_vec();
        data.extend_from_slice(b"ftyp");
        data.extend_from_slice(brand);
        data.extend_from_slice(&[0; 12]);
        let r = check(&data, "photo.jpg", &policy, &mut Scratch::new());
        assert_eq!(r.verdict, Verdict::Error);
        let e = r.error.unwrap();
        assert_eq!(e.code, "unsupported_format");
        assert!(e.message.contains(says), "{}", e.message);
    }
}
