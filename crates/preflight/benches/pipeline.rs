//! Per-stage benchmarks on generated 12 MP and 48 MP captures (EXIF orientation 6), plus
//! the alternatives we chose against, measured in the same run.
//!
//! Run on one core for figures comparable with docs/performance.md:
//! `taskset -c 0 cargo bench --bench pipeline`.

use criterion::{criterion_group, criterion_main, Criterion};
use kyc_preflight::internal::encode::{self, Chroma, EncodeScratch, Frame};
use kyc_preflight::internal::planar::{self, PlanarScratch};
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
    let o = Orientation::from_exif(p.effective_orientation());
    let (uw, uh) = p.upright_size();
    let mut g = c.benchmark_group(name);
    g.sample_size(samples);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(if samples > 10 { 8 } else { 15 }));

    g.bench_function("probe", |b| {
        b.iter(|| probe(black_box(jpeg), &policy.limits).unwrap())
    });
    // What `check` decodes: planes, DCT-scaled towards the analysis plane's size. `check
    // (whole)` minus this is what the checks add on top of decoding. And what `fix`
    // decodes: the planes at full size.
    let (mut px, mut ps) = (Vec::new(), PlanarScratch::default());
    let scale = planar::check_scale(p.width, p.height);
    g.bench_function("decode to planes, DCT-scaled (check's decode)", |b| {
        b.iter(|| {
            planar::decode(black_box(jpeg), &p, &policy.limits, scale, &mut px, &mut ps).unwrap()
        })
    });
    let scaled = planar::decode(jpeg, &p, &policy.limits, scale, &mut px, &mut ps).unwrap();
    let mut resizer = fast_image_resize::Resizer::new();
    let full = (p.width, p.height);
    g.bench_function("analysis plane from the scaled planes", |b| {
        b.iter(|| planar::analysis_plane(&scaled, full, o, &ps, &mut resizer).unwrap())
    });
    let plane = planar::analysis_plane(&scaled, full, o, &ps, &mut resizer).unwrap();
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
    // The portrait search: the generator's drawn portrait is no face to the detector, so
    // this is the most it costs (both landscape turns of the document, then the frame). A
    // real document's portrait is found in the first turn, about a third of this.
    let quad = outline.as_ref().map(|o| o.quad);
    let min_score = policy.thresholds.min_face_score;
    let found = kyc_preflight::internal::portrait(&plane, quad, min_score)
        .is_some_and(|f| f.score >= min_score);
    g.bench_function(
        format!("portrait on the document (face found: {found})"),
        |b| b.iter(|| kyc_preflight::internal::portrait(black_box(&plane), quad, min_score)),
    );
    // The MRZ search: the generator prints its zone in a bitmap font the OCR-B reader does
    // not take for one, so this is a document without a zone: the outline and the frame,
    // each as it lies and turned a quarter, with any band-like print read and set aside.
    let zone = kyc_preflight::internal::mrz(&plane, quad).is_some();
    g.bench_function(format!("MRZ on the document (zone found: {zone})"), |b| {
        b.iter(|| kyc_preflight::internal::mrz(black_box(&plane), quad))
    });
    g.bench_function("faces in a selfie (the whole frame)", |b| {
        b.iter(|| kyc_preflight::internal::faces(black_box(&plane)))
    });
    g.bench_function("perceptual hashes (frame + document)", |b| {
        b.iter(|| kyc_preflight::internal::perceptual_hashes(black_box(&plane), outline.as_ref()))
    });
    g.bench_function("all scores of measure (but find)", |b| {
        b.iter(|| {
            kyc_preflight::internal::scores(black_box(&plane), outline.as_ref(), (uw, uh), &policy)
        })
    });
    g.bench_function("decode to planes, full size (fix's decode)", |b| {
        b.iter(|| planar::decode(black_box(jpeg), &p, &policy.limits, 1, &mut px, &mut ps).unwrap())
    });
    let decoded = planar::decode(jpeg, &p, &policy.limits, 1, &mut px, &mut ps).unwrap();
    g.bench_function("turn the planes upright", |b| {
        // Each turn starts from the stored planes: decode once per sample, then time only
        // the rotation (iter_batched keeps the decode out of the measurement).
        b.iter_batched_ref(
            || {
                let mut s = PlanarScratch::default();
                let d =
                    planar::decode(jpeg, &p, &policy.limits, 1, &mut Vec::new(), &mut s).unwrap();
                (d, s)
            },
            |(d, s)| planar::rotate(d, o, s),
            criterion::BatchSize::LargeInput,
        )
    });
    let size = planar::rotate(&decoded, o, &mut ps);
    let frame = planar::frame(&decoded, size, &ps);
    let mut out = Vec::new();
    g.bench_function("encode q90 4:2:0 from the upright planes", |b| {
        b.iter(|| {
            frame
                .encode_rows(None, 90, Chroma::Cs420, None, &mut out)
                .unwrap()
        })
    });
    let mut es = EncodeScratch::default();
    let window = policy.byte_window();
    g.bench_function("size search (fit)", |b| {
        b.iter(|| {
            let deadline = Instant::now() + Duration::from_secs(60);
            encode::fit_frame(
                &frame,
                None,
                &policy.encode,
                window,
                1500,
                deadline,
                &mut es,
            )
            .unwrap()
            .unwrap()
        })
    });
    let mut buf = Vec::new();
    g.bench_function(
        "decode interleaved, zune-jpeg (the fallback decoder)",
        |b| b.iter(|| decode::decode(black_box(jpeg), &p, &policy.limits, &mut buf).unwrap()),
    );
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
