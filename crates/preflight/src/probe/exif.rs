//! The EXIF orientation tag (the `exif` crate, kamadak-exif, reads the TIFF structure).

/// The EXIF orientation as found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrientationTag {
    /// The raw tag value (may be outside 1..=8).
    pub raw: u32,
}

impl OrientationTag {
    /// The value to apply: the raw tag when in 1..=8, else 1.
    pub fn effective(self) -> u8 {
        if (1..=8).contains(&self.raw) {
            self.raw as u8
        } else {
            1
        }
    }

    /// True when the tag is within 1..=8.
    pub fn is_valid(self) -> bool {
        (1..=8).contains(&self.raw)
    }
}

/// The EXIF block is not readable TIFF (the report says `exif_unreadable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadableExif;

/// Read the orientation tag from a TIFF-structured EXIF block (after `Exif\0\0`).
/// `Ok(None)`: no orientation tag.
pub fn exif_orientation(tiff: &[u8]) -> Result<Option<OrientationTag>, UnreadableExif> {
    let exif = ::exif::Reader::new()
        .read_raw(tiff.to_vec())
        .map_err(|_| UnreadableExif)?;
    let Some(field) = exif.get_field(::exif::Tag::Orientation, ::exif::In::PRIMARY) else {
        return Ok(None);
    };
    Ok(field.value.get_uint(0).map(|raw| OrientationTag { raw }))
}
