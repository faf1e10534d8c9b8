//! The other formats (BMP, TIFF, WebP, GIF): each format's own crate reads the header (size,
//! pages or frames, EXIF orientation, metadata) without decoding a pixel.

use super::*;
use image::ImageDecoder;
use std::io::Cursor;

fn header_failed(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::DecodeFailed, format!("{what} header: {e}"))
}

/// Refuse a metadata block over `max_metadata_bytes`, as the JPEG and PNG walks do.
fn check_metadata(what: &str, bytes: usize, limits: &Limits) -> Result<()> {
    if bytes as u64 > limits.max_metadata_bytes {
        return Err(Error::new(
            ErrorKind::MetadataTooLarge,
            format!(
                "the {what} block is {bytes} bytes; the metadata limit is {}",
                limits.max_metadata_bytes
            ),
        ));
    }
    Ok(())
}

pub(super) fn probe_bmp(data: &[u8], _limits: &Limits) -> Result<Probe> {
    let mut p = Probe::bare(Format::Bmp, data.len());
    let decoder = image::codecs::bmp::BmpDecoder::new(Cursor::new(data))
        .map_err(|e| header_failed("BMP", e))?;
    (p.width, p.height) = decoder.dimensions();
    p.components = decoder.color_type().channel_count();
    Ok(p)
}

pub(super) fn probe_tiff(data: &[u8], limits: &Limits) -> Result<Probe> {
    use tiff::tags::Tag;
    let mut p = Probe::bare(Format::Tiff, data.len());
    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.ifd_value_size = usize::try_from(limits.max_metadata_bytes).unwrap_or(usize::MAX);
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(data))
        .map_err(|e| header_failed("TIFF", e))?
        .with_limits(tiff_limits);
    (p.width, p.height) = decoder.dimensions().map_err(|e| header_failed("TIFF", e))?;
    p.components = decoder
        .colortype()
        .map_or(0, |c| u8::try_from(c.num_samples()).unwrap_or(u8::MAX));
    // The file is itself a TIFF structure: the orientation is a tag of the first page.
    match decoder.find_tag_unsigned::<u32>(Tag::Orientation) {
        Ok(tag) => p.orientation = tag.map(|raw| OrientationTag { raw }),
        Err(_) => p.exif_unreadable = true,
    }
    p.exif_blocks = u32::from(p.orientation.is_some());
    for tag in [Tag::ExifDirectory, Tag::GpsDirectory, Tag::Unknown(700)] {
        if matches!(decoder.find_tag(tag), Ok(Some(_))) {
            p.private_metadata = true;
        }
    }
    p.more_frames = decoder.more_images();
    Ok(p)
}

pub(super) fn probe_webp(data: &[u8], limits: &Limits) -> Result<Probe> {
    let mut p = Probe::bare(Format::Webp, data.len());
    let mut decoder =
        image_webp::WebPDecoder::new(Cursor::new(data)).map_err(|e| header_failed("WebP", e))?;
    (p.width, p.height) = decoder.dimensions();
    p.components = if decoder.has_alpha() { 4 } else { 3 };
    p.more_frames = decoder.is_animated() && decoder.num_frames() > 1;
    let exif = decoder
        .exif_metadata()
        .map_err(|e| header_failed("WebP", e))?;
    if let Some(exif) = exif {
        check_metadata("WebP EXIF", exif.len(), limits)?;
        p.private_metadata = true;
        // Some writers keep JPEG's "Exif\0\0" prefix inside the chunk.
        p.note_exif(exif.strip_prefix(b"Exif\0\0").unwrap_or(&exif));
    }
    if let Ok(Some(_)) = decoder.xmp_metadata() {
        p.private_metadata = true;
    }
    Ok(p)
}

pub(super) fn probe_gif(data: &[u8], limits: &Limits) -> Result<Probe> {
    let mut p = Probe::bare(Format::Gif, data.len());
    let mut options = gif::DecodeOptions::new();
    // Frames are counted from their compressed data, never decoded here.
    options.skip_frame_decoding(true);
    options.set_memory_limit(
        std::num::NonZeroU64::new(limits.max_decode_bytes)
            .map_or(gif::MemoryLimit::Unlimited, gif::MemoryLimit::Bytes),
    );
    let mut decoder = options
        .read_info(Cursor::new(data))
        .map_err(|e| header_failed("GIF", e))?;
    p.width = u32::from(decoder.width());
    p.height = u32::from(decoder.height());
    p.components = 4;
    let mut frames = 0;
    while frames < 2 {
        match decoder.read_next_frame() {
            Ok(Some(_)) => frames += 1,
            Ok(None) => break,
            Err(e) if frames == 0 => return Err(header_failed("GIF", e)),
            Err(_) => break, // a damaged second frame does not matter: the first is used
        }
    }
    if frames == 0 {
        return Err(Error::new(
            ErrorKind::DecodeFailed,
            "GIF has no image in it",
        ));
    }
    p.more_frames = frames > 1;
    Ok(p)
}
