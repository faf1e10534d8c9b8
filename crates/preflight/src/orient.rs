//! Stage 3: EXIF orientation.
//!
//! The eight EXIF orientations as coordinate maps from the upright frame to the stored
//! pixels. Nothing here allocates a full-size rotated copy: the encoder reads the stored
//! pixels through [`Orientation::row`], and only the small analysis plane is materialised.

/// One of the eight EXIF orientations (tag values 1..=8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Orientation(u8);

/// Where one upright row lives in the stored buffer: the first pixel's index and the step
/// (in pixels) between neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowWalk {
    /// Pixel index (not byte index) of the row's first pixel in the stored buffer.
    pub start: isize,
    /// Pixel step from one upright pixel to the next.
    pub step: isize,
}

impl Orientation {
    /// Stored pixels are already upright.
    pub const UPRIGHT: Orientation = Orientation(1);

    /// The orientation for an EXIF tag; values outside 1..=8 mean upright.
    pub fn from_exif(tag: u8) -> Self {
        if (1..=8).contains(&tag) {
            Orientation(tag)
        } else {
            Orientation(1)
        }
    }

    /// The EXIF tag value.
    pub fn tag(self) -> u8 {
        self.0
    }

    /// True when width and height swap.
    pub fn swaps_axes(self) -> bool {
        self.0 >= 5
    }

    /// Upright size for a stored size.
    pub fn upright_size(self, stored_w: u32, stored_h: u32) -> (u32, u32) {
        if self.swaps_axes() {
            (stored_h, stored_w)
        } else {
            (stored_w, stored_h)
        }
    }

    /// The stored coordinate of upright pixel `(ux, uy)`, for a stored image of
    /// `sw × sh` pixels.
    pub fn stored_xy(self, ux: u32, uy: u32, sw: u32, sh: u32) -> (u32, u32) {
        match self.0 {
            2 => (sw - 1 - ux, uy),
            3 => (sw - 1 - ux, sh - 1 - uy),
            4 => (ux, sh - 1 - uy),
            5 => (uy, ux),
            6 => (uy, sh - 1 - ux),
            7 => (sw - 1 - uy, sh - 1 - ux),
            8 => (sw - 1 - uy, ux),
            _ => (ux, uy),
        }
    }

    /// How upright row `uy` walks the stored buffer (`sw × sh` pixels).
    pub fn row(self, uy: u32, sw: u32, sh: u32) -> RowWalk {
        let (uw, _) = self.upright_size(sw, sh);
        let (x0, y0) = self.stored_xy(0, uy, sw, sh);
        let start = y0 as isize * sw as isize + x0 as isize;
        if uw < 2 {
            return RowWalk { start, step: 1 };
        }
        let (x1, y1) = self.stored_xy(1, uy, sw, sh);
        let next = y1 as isize * sw as isize + x1 as isize;
        RowWalk {
            start,
            step: next - start,
        }
    }
}

/// Materialise the upright copy of an interleaved `channels`-byte-per-pixel plane.
/// Used for the small analysis plane and in tests, never for full-size images.
#[cfg(test)]
pub fn upright_copy(src: &[u8], sw: u32, sh: u32, channels: usize, o: Orientation) -> Vec<u8> {
    let (uw, uh) = o.upright_size(sw, sh);
    let mut out = Vec::with_capacity(uw as usize * uh as usize * channels);
    for uy in 0..uh {
        let walk = o.row(uy, sw, sh);
        let mut idx = walk.start;
        // Per-pixel pushes for the common widths: a `extend_from_slice` of 1 or 3 bytes
        // is a `memcpy` call per pixel.
        match channels {
            1 => {
                for _ in 0..uw {
                    out.push(src[idx as usize]);
                    idx += walk.step;
                }
            }
            3 => {
                for _ in 0..uw {
                    let at = idx as usize * 3;
                    out.extend([src[at], src[at + 1], src[at + 2]]);
                    idx += walk.step;
                }
            }
            _ => {
                for _ in 0..uw {
                    let at = idx as usize * channels;
                    out.extend_from_slice(&src[at..at + channels]);
                    idx += walk.step;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 image whose pixel values are their stored indices.
    fn stored() -> Vec<u8> {
        (0..6).collect()
    }

    #[test]
    fn all_eight_orientations_map_like_exif() {
        // Stored 3x2:  0 1 2
        //              3 4 5
        let cases: [(u8, &[u8]); 8] = [
            (1, &[0, 1, 2, 3, 4, 5]),
            (2, &[2, 1, 0, 5, 4, 3]),
            (3, &[5, 4, 3, 2, 1, 0]),
            (4, &[3, 4, 5, 0, 1, 2]),
            (5, &[0, 3, 1, 4, 2, 5]),
            (6, &[3, 0, 4, 1, 5, 2]),
            (7, &[5, 2, 4, 1, 3, 0]),
            (8, &[2, 5, 1, 4, 0, 3]),
        ];
        for (tag, want) in cases {
            let o = Orientation::from_exif(tag);
            let got = upright_copy(&stored(), 3, 2, 1, o);
            assert_eq!(got, want, "orientation {tag}");
        }
    }

    #[test]
    fn invalid_tags_mean_upright() {
        for tag in [0, 9, 255] {
            assert_eq!(Orientation::from_exif(tag), Orientation::UPRIGHT);
        }
    }
}
