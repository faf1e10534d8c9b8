//! `preflight synth`: render a synthetic capture with its ground truth.

use crate::cli::SynthArgs;
use crate::files::write_atomically;
use std::path::Path;

/// Run `preflight synth`; the return value is the process exit code.
pub fn run(args: SynthArgs) -> u8 {
    use preflight_synth::{render, DocKind, SynthSpec, Variant};
    let Some(variant) = Variant::from_label(&args.variant) else {
        let known: Vec<String> = Variant::catalogue().iter().map(Variant::label).collect();
        eprintln!(
            "preflight synth: unknown variant {:?}; known: {}",
            args.variant,
            known.join(", ")
        );
        return 2;
    };
    let mut spec = SynthSpec::variant_sized(args.seed, variant, args.width, args.height);
    spec.orientation = args.orientation;
    if let Some(q) = args.quality {
        spec.jpeg_quality = q;
    }
    if args.passport {
        spec.doc = DocKind::Passport;
    }
    let capture = render(&spec);
    let write = |path: &Path, bytes: &[u8]| {
        write_atomically(path, bytes)
            .map_err(|e| eprintln!("preflight synth: {}: {e}", path.display()))
    };
    if write(&args.output, &capture.jpeg).is_err() {
        return 2;
    }
    if let Some(truth) = &args.truth {
        let json = serde_json::to_vec_pretty(&capture.truth).expect("truth serialises");
        if write(truth, &json).is_err() {
            return 2;
        }
    }
    eprintln!(
        "wrote {} ({} bytes, {}x{} upright, EXIF orientation {}, variant {})",
        args.output.display(),
        capture.jpeg.len(),
        capture.width,
        capture.height,
        args.orientation,
        variant.label()
    );
    0
}
