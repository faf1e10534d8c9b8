//! The deterministic PRNG (SplitMix64) and platform-independent math (sines, exponentials).

/// SplitMix64: tiny, fast, platform independent.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// Generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    #[inline]
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    #[inline]
    pub fn f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in [a, b).
    pub fn range(&mut self, a: f32, b: f32) -> f32 {
        a + (b - a) * self.f32()
    }

    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * n as u64) >> 32) as u32
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f32) -> bool {
        self.f32() < p
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u32) as usize]
    }
}

pub(crate) fn mix(a: u64, b: u64) -> u64 {
    SplitMix64::new(a ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64()
}

pub(crate) fn stream(seed: u64, tag: u64) -> SplitMix64 {
    SplitMix64::new(mix(seed, tag))
}

// stream tags
pub(crate) const S_TILT: u64 = 1;
pub(crate) const S_DOC: u64 = 2;
pub(crate) const S_BG: u64 = 3;
pub(crate) const S_LIGHT: u64 = 4;
pub(crate) const S_MOTION: u64 = 5;
pub(crate) const S_NOISE: u64 = 6;
pub(crate) const S_FINE: u64 = 7;

pub(crate) const PI: f64 = std::f64::consts::PI;

/// Platform-independent sine (range reduction + odd Taylor polynomial, |err| < 1e-9).
pub fn dsin(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    let tau = 2.0 * PI;
    let k = (x / tau).round();
    let mut r = x - k * tau;
    if r > PI / 2.0 {
        r = PI - r;
    } else if r < -PI / 2.0 {
        r = -PI - r;
    }
    let r2 = r * r;
    r * (1.0
        + r2 * (-1.0 / 6.0
            + r2 * (1.0 / 120.0
                + r2 * (-1.0 / 5040.0
                    + r2 * (1.0 / 362_880.0
                        + r2 * (-1.0 / 39_916_800.0 + r2 * (1.0 / 6_227_020_800.0)))))))
}

/// Platform-independent cosine.
pub fn dcos(x: f64) -> f64 {
    dsin(x + PI / 2.0)
}

/// Platform-independent exp.
pub fn dexp(x: f64) -> f64 {
    if x < -700.0 {
        return 0.0;
    }
    let x = x.min(700.0);
    let ln2 = std::f64::consts::LN_2;
    let n = (x / ln2).round();
    let r = x - n * ln2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..14 {
        term *= r / i as f64;
        sum += term;
    }
    let e = (n as i64 + 1023).clamp(1, 2046) as u64;
    sum * f64::from_bits(e << 52)
}

/// Fast floor for |x| < 2^31 (avoids a libm call on baseline x86-64).
#[inline]
pub(crate) fn ffloor(x: f32) -> f32 {
    let i = x as i32 as f32;
    if i > x {
        i - 1.0
    } else {
        i
    }
}

#[inline]
pub(crate) fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[inline]
pub(crate) fn hash32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

#[inline]
pub(crate) fn hash2(ix: i32, iy: i32, s: u32) -> u32 {
    hash32((ix as u32).wrapping_mul(0x8da6_b343) ^ (iy as u32).wrapping_mul(0xd816_3841) ^ s)
}

#[inline]
pub(crate) fn lattice(ix: i32, iy: i32, s: u32) -> f32 {
    (hash2(ix, iy, s) >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// Smooth value noise in [0, 1).
#[inline]
pub(crate) fn value_noise(x: f32, y: f32, s: u32) -> f32 {
    let fx = ffloor(x);
    let fy = ffloor(y);
    let ix = fx as i32;
    let iy = fy as i32;
    let tx = x - fx;
    let ty = y - fy;
    let sx = tx * tx * (3.0 - 2.0 * tx);
    let sy = ty * ty * (3.0 - 2.0 * ty);
    let a = lattice(ix, iy, s);
    let b = lattice(ix + 1, iy, s);
    let c = lattice(ix, iy + 1, s);
    let d = lattice(ix + 1, iy + 1, s);
    let top = a + (b - a) * sx;
    let bot = c + (d - c) * sx;
    top + (bot - top) * sy
}

pub(crate) fn fbm(x: f32, y: f32, s: u32, octaves: u32) -> f32 {
    let mut sum = 0.0;
    let mut amp = 0.5;
    let mut norm = 0.0;
    let mut f = 1.0;
    for o in 0..octaves {
        sum += amp * value_noise(x * f, y * f, s.wrapping_add(o * 7919));
        norm += amp;
        amp *= 0.5;
        f *= 2.03;
    }
    sum / norm
}
