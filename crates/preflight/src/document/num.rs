//! Branch-free rounding and a fast gradient angle for the hot loops of the finder.

/// `x.round()` (half away from zero) without the libm call that `round` compiles to on
/// baseline x86-64 (no SSE4.1): the same value for every |x| < 2^52 except that it may
/// return +0.0 for −0.0, and here every rounded value is a pixel coordinate that is only
/// compared and cast to an integer. The calls were ~4 % of `find`.
#[inline(always)]
pub(super) fn round64(x: f64) -> f64 {
    let t = x as i64 as f64;
    let d = x - t;
    // Branch-free: the fractional parts of sample positions follow no pattern, and two
    // mispredicted branches per rounding were most of the cost of a line profile.
    t + f64::from(i32::from(d >= 0.5) - i32::from(d <= -0.5))
}

/// `x.floor()` without the libm call (baseline x86-64 has no `roundsd`): exact for
/// |x| < 2^52, which every pixel position here is. Candidate scoring calls it ~10⁵ times.
#[inline(always)]
pub(super) fn floor64(x: f64) -> f64 {
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// `x.ceil()` without the libm call, exact for |x| < 2^52.
#[inline(always)]
pub(super) fn ceil64(x: f64) -> f64 {
    let t = x as i64 as f64;
    if t < x {
        t + 1.0
    } else {
        t
    }
}

/// [`round64`] for `f32` (|x| < 2^23).
#[inline(always)]
pub(super) fn round32(x: f32) -> f32 {
    let t = x as i32 as f32;
    let d = x - t;
    t + (i32::from(d >= 0.5) - i32::from(d <= -0.5)) as f32
}

/// The direction of the gradient `(gx, gy)` folded into `[0, π)`: `atan2` folded, from an
/// octant reduction and a degree-11 odd polynomial (error < 1e-5 rad, against half-degree
/// Hough bins) instead of the libm call, which was ~5 % of `find`.
#[inline(always)]
pub(super) fn gradient_angle(gy: f32, gx: f32) -> f32 {
    use std::f32::consts::{FRAC_PI_2, PI};
    let (ax, ay) = (gx.abs(), gy.abs());
    let (lo, hi) = (ax.min(ay), ax.max(ay));
    if hi == 0.0 {
        return 0.0;
    }
    let z = lo / hi;
    let z2 = z * z;
    let mut t = z
        * (0.999_977_26
            + z2 * (-0.332_623_47
                + z2 * (0.193_543_46
                    + z2 * (-0.116_432_87 + z2 * (0.052_653_32 + z2 * -0.011_721_2)))));
    if ay > ax {
        t = FRAC_PI_2 - t;
    }
    // t is the angle of (|gx|, |gy|); fold the sign quadrants into [0, π).
    if (gx < 0.0) != (gy < 0.0) {
        t = PI - t;
    }
    if t >= PI {
        t -= PI;
    }
    t
}
