//! `render`: a spec to a JPEG, the upright frame and its truth.

use crate::*;

/// Renders a capture. Deterministic: the same spec gives byte-identical output.
///
/// Panics if the frame is larger than 65535 px on a side.
pub fn render(spec: &SynthSpec) -> SynthCapture {
    let geo = Geometry::new(spec);
    let (w, h) = (geo.w, geo.h);
    assert!(w <= 65535 && h <= 65535, "frame larger than 65535 px");
    let tex = render_document(spec, geo.tw, geo.th);
    let bg = render_background(spec, &geo);
    let Composite {
        mut frame,
        mask,
        glare,
    } = composite(spec, &geo, &tex, &bg);
    drop(tex);
    drop(bg);
    let defocus_px = spec.defocus_sigma.max(0.0) * w as f32 / 1000.0;
    if defocus_px > 0.0 {
        gaussian_blur(&mut frame, w, h, defocus_px);
    }
    let motion_px = spec.motion_blur_px.max(0.0) * w as f32 / 1000.0;
    let motion_angle = stream(spec.seed, S_MOTION).f64() * PI;
    let motion_applied = if motion_px.round() >= 2.0 {
        motion_blur(&mut frame, w, h, motion_px, motion_angle);
        motion_px.round()
    } else {
        0.0
    };
    let st = finish(spec, &mut frame, w, h, &mask, &glare);
    let jpeg = encode_jpeg(
        &frame,
        w as u32,
        h as u32,
        spec.orientation,
        spec.jpeg_quality,
        spec.exif,
    );
    let qs = quad_stats(&geo.quad, w as f64, h as f64);
    let tight = spec.tight_crop;
    let truth = Truth {
        quad: geo.quad.map(|p| [p[0] as f32, p[1] as f32]),
        cut_edges: if tight { Vec::new() } else { qs.cut_edges },
        coverage: if tight { 1.0 } else { qs.coverage as f32 },
        visible_fraction: if tight { 1.0 } else { qs.visible as f32 },
        min_margin: if tight { 0.0 } else { qs.min_margin as f32 },
        tight_crop: tight,
        glare_fraction: st.glare_fraction as f32,
        bright_fraction: st.bright_fraction as f32,
        defocus_sigma_px: if defocus_px >= 0.2 { defocus_px } else { 0.0 },
        motion_blur_px: motion_applied,
        motion_angle_deg: if motion_applied > 0.0 {
            (motion_angle * 180.0 / PI) as f32
        } else {
            0.0
        },
        mean_luma: st.mean_luma as f32,
        doc_mean_luma: st.doc_mean_luma as f32,
        exposure: spec.exposure,
        tilt_deg: if tight { 0.0 } else { spec.tilt_deg },
        rotation_deg: if tight { 0.0 } else { spec.rotation_deg },
        background: spec.background,
        orientation: spec.orientation,
        doc: spec.doc,
    };
    SynthCapture {
        jpeg,
        upright_rgb: frame,
        width: w as u32,
        height: h as u32,
        truth,
    }
}
