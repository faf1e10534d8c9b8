//! Any decoder's pixels to 8-bit RGB: grey spread to three channels, alpha flattened on
//! white (what a transparent area looks like on a white page, and on the service's viewer),
//! 16-bit and float samples rounded to the nearest 8-bit value.

/// How one sample is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Depth {
    /// One byte.
    U8,
    /// Two bytes, big-endian (PNG).
    U16Be,
    /// Two bytes, native-endian (`image`'s decoders).
    U16Ne,
    /// 32-bit float in 0..=1, native-endian (`image`'s TIFF decoder).
    F32Ne,
}

impl Depth {
    fn bytes(self) -> usize {
        match self {
            Depth::U8 => 1,
            Depth::U16Be | Depth::U16Ne => 2,
            Depth::F32Ne => 4,
        }
    }
}

/// A decoder's pixel layout: grey (1 channel), grey + alpha (2), RGB (3) or RGBA (4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PixelFormat {
    pub depth: Depth,
    pub channels: usize,
}

impl PixelFormat {
    /// Bytes of one source pixel.
    pub fn bytes_per_pixel(self) -> usize {
        self.depth.bytes() * self.channels
    }

    /// Sample `k` of the pixel at `s`, on the 16-bit scale (0..=65535).
    #[inline]
    fn sample16(self, s: &[u8], k: usize) -> u32 {
        match self.depth {
            Depth::U8 => u32::from(s[k]) * 257,
            Depth::U16Be => u32::from(u16::from_be_bytes([s[2 * k], s[2 * k + 1]])),
            Depth::U16Ne => u32::from(u16::from_ne_bytes([s[2 * k], s[2 * k + 1]])),
            Depth::F32Ne => {
                let v = f32::from_ne_bytes([s[4 * k], s[4 * k + 1], s[4 * k + 2], s[4 * k + 3]]);
                // NaN → 0; the cast saturates.
                (v.clamp(0.0, 1.0) * 65535.0).round() as u32
            }
        }
    }

    /// One source pixel as RGB.
    #[inline]
    fn to_rgb(self, s: &[u8]) -> [u8; 3] {
        if self.depth == Depth::U8 && self.channels == 3 {
            return [s[0], s[1], s[2]];
        }
        if self.depth == Depth::U8 && self.channels == 1 {
            return [s[0]; 3];
        }
        let colour = if self.channels >= 3 {
            [0, 1, 2]
        } else {
            [0; 3]
        };
        let alpha = match self.channels {
            2 => Some(self.sample16(s, 1)),
            4 => Some(self.sample16(s, 3)),
            _ => None,
        };
        colour.map(|k| {
            let c = self.sample16(s, k);
            let c = match alpha {
                // c·a + white·(1 − a), on the 16-bit scale, rounded.
                Some(a) => {
                    ((u64::from(c) * u64::from(a) + 65535 * u64::from(65535 - a) + 32767) / 65535)
                        as u32
                }
                None => c,
            };
            ((c * 255 + 32767) / 65535) as u8
        })
    }
}

/// Convert a row of `format` pixels in `src` into RGB in `dst` (3 bytes per pixel).
pub(super) fn convert_row(format: PixelFormat, src: &[u8], dst: &mut [u8]) {
    let bpp = format.bytes_per_pixel();
    for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(bpp)) {
        d.copy_from_slice(&format.to_rgb(s));
    }
}

/// The one buffer a decoder writes `pixels` pixels of `format` into, and where: a buffer of
/// `max(bpp, 3)` bytes per pixel with the decoder's pixels at its end, so that
/// [`to_rgb_in_place`] can convert front to back without a second buffer.
pub(super) fn in_place_layout(format: PixelFormat, pixels: usize) -> Option<(usize, usize)> {
    let bpp = format.bytes_per_pixel();
    let len = pixels.checked_mul(bpp.max(3))?;
    let offset = len - pixels * bpp;
    Some((len, offset))
}

/// Convert `pixels` pixels of `format` stored from `offset` in `buf` into RGB from its start,
/// then cut `buf` to the RGB size. Safe in one buffer: pixel i's RGB ends at 3(i+1), never
/// past where pixel i+1's source starts (`offset + bpp·(i+1)`, see [`in_place_layout`]),
/// and each source pixel is read whole before its RGB is written.
pub(super) fn to_rgb_in_place(
    format: PixelFormat,
    buf: &mut Vec<u8>,
    offset: usize,
    pixels: usize,
) {
    let bpp = format.bytes_per_pixel();
    if !(format.depth == Depth::U8 && format.channels == 3 && offset == 0) {
        for i in 0..pixels {
            let s = offset + i * bpp;
            let rgb = format.to_rgb(&buf[s..s + bpp]);
            buf[3 * i..3 * i + 3].copy_from_slice(&rgb);
        }
    }
    buf.truncate(pixels * 3);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(format: PixelFormat, s: &[u8]) -> [u8; 3] {
        let mut d = [0; 3];
        convert_row(format, s, &mut d);
        d
    }

    #[test]
    fn eight_bit_is_exact_and_alpha_flattens_on_white() {
        let rgba = PixelFormat {
            depth: Depth::U8,
            channels: 4,
        };
        assert_eq!(one(rgba, &[10, 20, 30, 255]), [10, 20, 30]);
        assert_eq!(one(rgba, &[10, 20, 30, 0]), [255, 255, 255]);
        // Half-transparent black on white is mid grey.
        assert_eq!(one(rgba, &[0, 0, 0, 128]), [127, 127, 127]);
        let la = PixelFormat {
            depth: Depth::U8,
            channels: 2,
        };
        assert_eq!(one(la, &[200, 255]), [200; 3]);
        assert_eq!(one(la, &[0, 0]), [255; 3]);
        let grey = PixelFormat {
            depth: Depth::U8,
            channels: 1,
        };
        assert_eq!(one(grey, &[77]), [77; 3]);
    }

    #[test]
    fn sixteen_bit_rounds_instead_of_truncating() {
        let rgb16 = PixelFormat {
            depth: Depth::U16Be,
            channels: 3,
        };
        // The nearest 8-bit value of v is round(v / 257): 0x00FF is 0.99 → 1 and 0xFF00 is
        // 254.0 → 254, where the high byte (what truncation keeps) says 0 and 255.
        assert_eq!(
            one(rgb16, &[0x00, 0xFF, 0xFF, 0x00, 0xFF, 0xFF]),
            [1, 254, 255]
        );
        let ne = PixelFormat {
            depth: Depth::U16Ne,
            channels: 1,
        };
        assert_eq!(one(ne, &65535u16.to_ne_bytes()), [255; 3]);
        assert_eq!(one(ne, &(257u16 * 42).to_ne_bytes()), [42; 3]);
    }

    #[test]
    fn float_clamps_and_rounds() {
        let f = PixelFormat {
            depth: Depth::F32Ne,
            channels: 3,
        };
        let mut s = Vec::new();
        for v in [0.5f32, -1.0, f32::NAN] {
            s.extend_from_slice(&v.to_ne_bytes());
        }
        assert_eq!(one(f, &s), [128, 0, 0]);
    }

    #[test]
    fn in_place_matches_row_conversion_for_every_layout() {
        for depth in [Depth::U8, Depth::U16Be, Depth::U16Ne] {
            for channels in 1..=4 {
                let format = PixelFormat { depth, channels };
                let pixels = 37;
                let (len, offset) = in_place_layout(format, pixels).unwrap();
                let src: Vec<u8> = (0..pixels * format.bytes_per_pixel())
                    .map(|i| (i * 97 % 251) as u8)
                    .collect();
                let mut want = vec![0; pixels * 3];
                convert_row(format, &src, &mut want);
                let mut buf = vec![0; len];
                buf[offset..].copy_from_slice(&src);
                to_rgb_in_place(format, &mut buf, offset, pixels);
                assert_eq!(buf, want, "{format:?}");
            }
        }
    }
}
