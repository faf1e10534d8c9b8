//! Perceptual hashes of the upright picture: the same photo re-encoded, resized or given
//! other metadata keeps its hash within a few bits, where two captures differ in many.
//! `image_hasher`'s pHash (the signs of the 8 × 8 lowest DCT frequencies of a 16 × 16
//! thumbnail against their median), on a thumbnail averaged from the analysis plane.

use super::Analysis;
use image::GrayImage;
use image_hasher::{HashAlg, Hasher, HasherConfig};
use std::sync::OnceLock;

/// Side of the thumbnail the DCT reads (the hash is its 8 × 8 lowest frequencies).
const THUMB: u32 = 16;

fn hasher() -> &'static Hasher<[u8; 8]> {
    static HASHER: OnceLock<Hasher<[u8; 8]>> = OnceLock::new();
    HASHER.get_or_init(|| {
        HasherConfig::with_bytes_type::<[u8; 8]>()
            .hash_alg(HashAlg::Median)
            .preproc_dct()
            .hash_size(THUMB / 2, THUMB / 2)
            .to_hasher()
    })
}

/// The 64-bit perceptual hash of the plane's `rect` (`[x0, y0, x1, y1]` in plane pixels,
/// end exclusive; the whole plane when `None`), or `None` when the rect is under 16 pixels
/// on a side. The rect is averaged into 16 × 16 boxes first: every plane pixel counts, so
/// resizing the photo does not move the hash.
#[must_use]
pub fn perceptual_hash(plane: &Analysis, rect: Option<[u32; 4]>) -> Option<u64> {
    let [x0, y0, x1, y1] = rect.unwrap_or([0, 0, plane.width, plane.height]);
    let (x1, y1) = (x1.min(plane.width), y1.min(plane.height));
    if x1 < x0.saturating_add(THUMB) || y1 < y0.saturating_add(THUMB) {
        return None;
    }
    let t = THUMB as usize;
    // Box k of a side of n pixels spans k·n/16 .. (k+1)·n/16.
    let bounds = |n: u32| -> Vec<usize> {
        (0..=THUMB)
            .map(|k| (u64::from(k) * u64::from(n) / u64::from(THUMB)) as usize)
            .collect()
    };
    let (xs, ys) = (bounds(x1 - x0), bounds(y1 - y0));
    // Each row adds its 16 slices' sums (a slice sum vectorises; < 2^32 for any plane).
    let mut sums = vec![0u32; t * t];
    for by in 0..t {
        let out = &mut sums[by * t..(by + 1) * t];
        for y in ys[by]..ys[by + 1] {
            let start = (y0 as usize + y) * plane.width as usize + x0 as usize;
            let row = &plane.luma[start..start + xs[t]];
            for (o, k) in out.iter_mut().zip(0..t) {
                *o += row[xs[k]..xs[k + 1]]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>();
            }
        }
    }
    let thumb: Vec<u8> = sums
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let n = ((ys[i / t + 1] - ys[i / t]) * (xs[i % t + 1] - xs[i % t])) as u32;
            ((s + n / 2) / n.max(1)) as u8
        })
        .collect();
    let img = GrayImage::from_raw(THUMB, THUMB, thumb)?;
    let hash = hasher().hash_image(&img);
    Some(u64::from_be_bytes(*hash.as_bytes().first_chunk::<8>()?))
}

/// Bits that differ between two hashes (0..64).
#[must_use]
pub fn hash_distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plane of `w × h` drawn from `f` over the unit square.
    fn plane(w: u32, h: u32, f: impl Fn(f64, f64) -> f64) -> Analysis {
        let luma = (0..h)
            .flat_map(|y| (0..w).map(move |x| (f64::from(x) + 0.5, f64::from(y) + 0.5)))
            .map(|(x, y)| f(x / f64::from(w), y / f64::from(h)).clamp(0.0, 255.0) as u8)
            .collect();
        crate::testutil::grey_plane(w as usize, h as usize, luma)
    }

    fn card(x: f64, y: f64) -> f64 {
        let inside = (0.2..0.8).contains(&x) && (0.25..0.75).contains(&y);
        let print = if (0.25..0.4).contains(&x) && (0.35..0.65).contains(&y) {
            -120.0
        } else {
            0.0
        };
        if inside {
            215.0 + print
        } else {
            70.0 + 30.0 * (9.0 * x).sin()
        }
    }

    #[test]
    fn a_resized_picture_keeps_its_hash_and_another_does_not() {
        let big = perceptual_hash(&plane(1024, 768, card), None).unwrap();
        let small = perceptual_hash(&plane(512, 384, card), None).unwrap();
        assert!(hash_distance(big, small) <= 2, "{big:016x} {small:016x}");
        // The same scene with the card moved and its print on the other side.
        let other =
            perceptual_hash(&plane(1024, 768, |x, y| card(1.0 - x, y * 0.9)), None).unwrap();
        assert!(
            hash_distance(big, other) > REUSED_TEST_GAP,
            "{big:016x} {other:016x}"
        );
        // A rect of the plane, and none below 16 pixels a side.
        let p = plane(1024, 768, card);
        assert!(perceptual_hash(&p, Some([200, 190, 820, 580])).is_some());
        assert!(perceptual_hash(&p, Some([0, 0, 15, 400])).is_none());
        assert!(perceptual_hash(&p, Some([1010, 0, 2000, 400])).is_none());
        assert!(perceptual_hash(&p, Some([u32::MAX, 0, u32::MAX, 400])).is_none());
    }

    /// Far more bits than `package`'s reuse threshold.
    const REUSED_TEST_GAP: u32 = 12;
}
