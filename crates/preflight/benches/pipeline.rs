//! Per-stage benchmarks on generated 12 MP and 48 MP captures (EXIF orientation 6), plus
//! the alternatives we chose against, measured in the same run.
//!
//! Run on one core for figures comparable with docs/performance.md:
//! `taskset -c 0 cargo bench --bench pipeline`.

use criterion::{criterion_group, criterion_main, Criterion};
use kyc_preflight::internal::encode::{self, Chroma, EncodeScratch, Source};
use kyc_preflight::internal::{analysis, decode, probe, Orientation};
use kyc_preflight::{check, fix, Policy, Scratch};
use preflight_synth::{render, SynthSpec};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn capture(width: u32, height: u32) -> Vec<u8> {
    let mut spec = SynthSpec::good(7).with_size(width, height);
    spec.orientation = 6;
    spec.jpeg_quality = 92;
    render(&spec).jpeg
}

fn stages(c: &mut Criterion, name: &str, jpeg: &[u8], samples: usize) {
    let policy = Policy::default();
    let p = probe(jpeg, &policy.limits).unwrap();
    let mut pixels = Vec::new();
    let decoded = decode::decode(jpeg, &p, &policy.limits, &mut pixels).unwrap();
    let o = Orientation::from_exif(p.effective_orientation());
    let src = Source {
        pixels: &pixels,
        width: decoded.width,
        height: decoded.height,
        layout: decoded.layout,
        orientation: o,
    };

    let mut g = c.benchmark_group(name);
    g.sample_size(samples);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(if samples > 10 { 8 } else { 15 }));

    g.bench_function("probe", |b| {
        b.iter(|| probe(black_box(jpeg), &policy.limits).unwrap())
    });
    let mut buf = Vec::new();
    g.bench_function("decode (reused buffer)", |b| {
        b.iter(|| decode::decode(black_box(jpeg), &p, &policy.limits, &mut buf).unwrap())
    });
    let mut resizer = fast_image_resize::Resizer::new();
    g.bench_function("analysis plane + scores", |b| {
        b.iter(|| {
            let a = analysis::build(&pixels, &decoded, o, &mut resizer).unwrap();
            (analysis::laplacian_variance(&a), analysis::brightness(&a))
        })
    });
    let plane = analysis::build(&pixels, &decoded, o, &mut resizer).unwrap();
    g.bench_function("document outline (find)", |b| {
        b.iter(|| {
            kyc_preflight::internal::find(
                black_box(&plane),
                &kyc_preflight::internal::DOCUMENT_ASPECTS,
            )
        })
    });
    let outline = kyc_preflight::internal::find(&plane, &kyc_preflight::internal::DOCUMENT_ASPECTS);
    g.bench_function("glare + blur + exposure scores on the document", |b| {
        b.iter(|| {
            let (region, document) = match &outline {
                Some(ol) => (
                    analysis::quad_mask(&plane, &ol.quad, 0.04),
                    analysis::quad_mask(&plane, &ol.quad, 0.0),
                ),
                None => (analysis::full_mask(&plane), analysis::full_mask(&plane)),
            };
            let hist = analysis::luma_histogram(&plane, &region);
            (
                analysis::glare(&plane, &region, &document, &hist, 245),
                analysis::histogram_percentile(&hist, 0.05),
                analysis::blur_effect(&plane, &region),
                analysis::mean_luma(&plane, &region),
                analysis::fraction_at_least(&plane, &region, 250),
            )
        })
    });
    g.bench_function("perceptual hashes (frame + document)", |b| {
        b.iter(|| kyc_preflight::internal::perceptual_hashes(black_box(&plane), outline.as_ref()))
    });
    let (uw, uh) = p.upright_size();
    g.bench_function("all scores of measure (but find)", |b| {
        b.iter(|| {
            kyc_preflight::internal::scores(black_box(&plane), outline.as_ref(), (uw, uh), &policy)
        })
    });
    let mut out = Vec::new();
    g.bench_function("encode q90 4:2:0, rotated by the view", |b| {
        b.iter(|| encode::encode(src, 90, Chroma::Cs420, None, &mut out).unwrap())
    });
    let upright = Source {
        orientation: Orientation::UPRIGHT,
        ..src
    };
    g.bench_function("encode q90 4:2:0, no rotation", |b| {
        b.iter(|| encode::encode(upright, 90, Chroma::Cs420, None, &mut out).unwrap())
    });
    let mut es = EncodeScratch::default();
    let window = policy.byte_window();
    g.bench_function("size search (fit)", |b| {
        b.iter(|| {
            let deadline = Instant::now() + Duration::from_secs(60);
            encode::fit(src, None, &policy.encode, window, 1500, deadline, &mut es)
                .unwrap()
                .unwrap()
        })
    });
    // What `check` decodes in the turbo build: planes, DCT-scaled towards the analysis
    // plane's size. `check (whole)` minus this is what the checks add on top of decoding.
    #[cfg(feature = "turbo")]
    {
        use kyc_preflight::internal::turbo;
        let (mut px, mut ts) = (Vec::new(), turbo::TurboScratch::default());
        let scale = turbo::check_scale(p.width, p.height);
        g.bench_function("turbo: DCT-scaled decode to planes (check's decode)", |b| {
            b.iter(|| {
                turbo::decode(black_box(jpeg), &p, &policy.limits, scale, &mut px, &mut ts).unwrap()
            })
        });
    }
    let mut scratch = Scratch::new();
    g.bench_function("check (whole)", |b| {
        b.iter(|| check(black_box(jpeg), "x", &policy, &mut scratch))
    });
    g.bench_function("fix (whole)", |b| {
        b.iter(|| fix(black_box(jpeg), "x", &policy, &mut scratch))
    });
    g.finish();
}

/// The alternatives the design rejected, on the same 12 MP image.
fn alternatives(c: &mut Criterion, jpeg: &[u8]) {
    let mut g = c.benchmark_group("12mp alternatives");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(15));
    let img = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).unwrap();
    let rgb = img.to_rgb8();
    g.bench_function("image::load_from_memory (decode)", |b| {
        b.iter(|| {
            image::load_from_memory_with_format(black_box(jpeg), image::ImageFormat::Jpeg).unwrap()
        })
    });
    g.bench_function("image JpegEncoder q90 (4:4:4 only)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
                .encode_image(&rgb)
                .unwrap();
            out
        })
    });
    g.bench_function("jpeg-encoder q90 4:2:0 from RGB (its own AVX2 path)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            let mut e = jpeg_encoder::Encoder::new(&mut out, 90);
            e.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
            e.encode(
                rgb.as_raw(),
                rgb.width() as u16,
                rgb.height() as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .unwrap();
            out
        })
    });
    g.bench_function("image apply_orientation rot90 (full-size copy)", |b| {
        b.iter(|| {
            let mut i = img.clone();
            i.apply_orientation(image::metadata::Orientation::Rotate90);
            i
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let twelve = capture(4000, 3000);
    stages(c, "12mp", &twelve, 20);
    alternatives(c, &twelve);
    let forty_eight = capture(8000, 6000);
    stages(c, "48mp", &forty_eight, 10);
}

criterion_group!(pipeline, benches);
criterion_main!(pipeline);
