//! Exposure, lighting gradients, shadows, sensor noise and frame statistics.

use crate::*;

pub(crate) struct Stats {
    pub(crate) mean_luma: f64,
    pub(crate) doc_mean_luma: f64,
    pub(crate) glare_fraction: f64,
    pub(crate) bright_fraction: f64,
}

pub(crate) fn finish(
    spec: &SynthSpec,
    img: &mut [u8],
    w: usize,
    h: usize,
    mask: &[u8],
    glare: &[u8],
) -> Stats {
    let mut lr = stream(spec.seed, S_LIGHT);
    let la = lr.f64() * 2.0 * PI;
    let (gx, gy) = (dcos(la) as f32, dsin(la) as f32);
    let lg = spec.lighting_gradient.clamp(0.0, 1.0);
    let exposure = spec.exposure.max(0.0);
    let vig = 0.06f32;
    let sigma = spec.noise_sigma.max(0.0);
    let sc = sigma * 0.45;
    // table of N(0,1) samples (sum of 4 uniforms), indexed by per-pixel random bits
    let gauss: Vec<f32> = {
        let mut r = SplitMix64::new(0x6A09_E667_F3BC_C908);
        (0..4096)
            .map(|_| {
                let a = r.next_u64();
                let s4 = (a & 0xffff) + ((a >> 16) & 0xffff) + ((a >> 32) & 0xffff) + (a >> 48);
                (s4 as f32 - 131_070.0) / 37_837.0
            })
            .collect()
    };
    let xn: Vec<f32> = (0..w)
        .map(|x| (x as f32 + 0.5) / w as f32 * 2.0 - 1.0)
        .collect();
    let aspect = w as f32 / h as f32;
    let ax = aspect * aspect / (1.0 + aspect * aspect);
    let ay = 1.0 / (1.0 + aspect * aspect);
    let noise_seed = mix(spec.seed, S_NOISE);
    let mut luma_sum: u64 = 0;
    let mut doc_sum: u64 = 0;
    let mut doc_n: u64 = 0;
    let mut bright_n: u64 = 0;
    let mut glare_n: u64 = 0;
    let has_glare = !glare.is_empty();
    for y in 0..h {
        let yn = (y as f32 + 0.5) / h as f32 * 2.0 - 1.0;
        let mut rng = SplitMix64::new(mix(noise_seed, y as u64));
        let row = &mut img[y * w * 3..(y + 1) * w * 3];
        for x in 0..w {
            let xv = xn[x];
            let ramp = (0.5 + 0.36 * (gx * xv + gy * yn)).clamp(0.0, 1.0);
            let r2 = ax * xv * xv + ay * yn * yn;
            let mut gain = exposure * (1.0 - lg * 0.6 * ramp - vig * r2);
            if has_glare {
                // specular highlights are not dimmed by shading or exposure: they clip
                let g = glare[y * w + x] as f32 * (1.0 / 255.0);
                gain += (exposure.max(1.0) * 1.15 - gain) * g;
            }
            let (ny, ncb, ncr) = if sigma > 0.0 {
                let a = rng.next_u64();
                (
                    gauss[(a & 4095) as usize] * sigma,
                    gauss[((a >> 12) & 4095) as usize] * sc,
                    gauss[((a >> 24) & 4095) as usize] * sc,
                )
            } else {
                (0.0, 0.0, 0.0)
            };
            let p = &mut row[x * 3..x * 3 + 3];
            let r = (p[0] as f32 * gain + ny + 1.402 * ncr + 0.5).clamp(0.0, 255.0) as u8;
            let g =
                (p[1] as f32 * gain + ny - 0.344 * ncb - 0.714 * ncr + 0.5).clamp(0.0, 255.0) as u8;
            let b = (p[2] as f32 * gain + ny + 1.772 * ncb + 0.5).clamp(0.0, 255.0) as u8;
            p[0] = r;
            p[1] = g;
            p[2] = b;
            let l = (77 * r as u32 + 150 * g as u32 + 29 * b as u32 + 128) >> 8;
            luma_sum += l as u64;
            let i = y * w + x;
            if mask[i] >= 128 {
                doc_n += 1;
                doc_sum += l as u64;
                if l > 240 {
                    bright_n += 1;
                    if has_glare && glare[i] >= 13 {
                        glare_n += 1;
                    }
                }
            }
        }
    }
    let npx = (w * h) as f64;
    let dn = doc_n.max(1) as f64;
    Stats {
        mean_luma: luma_sum as f64 / npx,
        doc_mean_luma: doc_sum as f64 / dn,
        glare_fraction: glare_n as f64 / dn,
        bright_fraction: bright_n as f64 / dn,
    }
}
