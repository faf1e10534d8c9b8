//! Command-line definitions (SPEC §4). Raw flags are parsed here, then turned into a
//! validated [`Policy`] before any work starts.

use clap::{Args, Parser, Subcommand};
use kyc_preflight::{DocumentClass, Policy};
use std::path::PathBuf;

/// Check, fix and package identity-document photos for Smile ID Document Verification.
#[derive(Debug, Parser)]
#[command(name = "preflight", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate images: files, directories (recursive) or .zip archives.
    Check(CheckArgs),
    /// Make one upright, metadata-free JPEG inside the upload byte window.
    Fix(FixArgs),
    /// Render a synthetic capture with known ground truth (for tests, demos and benchmarks).
    Synth(SynthArgs),
}

/// Flags that choose the document class.
#[derive(Debug, Args)]
pub struct ClassArgs {
    /// Document class; default from --id-type, else id-card.
    #[arg(long, value_parser = ["id-card", "passport", "selfie", "liveness"])]
    pub class: Option<String>,
    /// Smile ID id_type (PASSPORT selects the passport class).
    #[arg(long = "id-type", value_name = "T")]
    pub id_type: Option<String>,
}

impl ClassArgs {
    pub fn policy(&self) -> Policy {
        let class = match (&self.class, &self.id_type) {
            (Some(c), _) => DocumentClass::parse(c).expect("clap validated the class"),
            (None, Some(t)) => DocumentClass::from_id_type(t),
            (None, None) => DocumentClass::IdCard,
        };
        Policy::for_class(class)
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub class: ClassArgs,
    /// JSON Lines on stdout: one report per input, then a summary.
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Files, directories or .zip archives.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub class: ClassArgs,
    /// The image to fix (never modified).
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// Where to write the JPEG (atomically; never the input itself).
    #[arg(short = 'o', long = "output", value_name = "OUT.jpg")]
    pub output: PathBuf,
    /// Print the JSON report (and a summary) on stdout.
    #[arg(long)]
    pub json: bool,
    /// Accepted for symmetry with `check`; one image uses one core.
    #[arg(long, short = 'j', value_name = "N", hide = true)]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Upright width in pixels.
    #[arg(long, default_value_t = 4000)]
    pub width: u32,
    /// Upright height in pixels.
    #[arg(long, default_value_t = 3000)]
    pub height: u32,
    /// EXIF orientation tag to write (pixels are stored so that it turns them upright).
    #[arg(long, default_value_t = 1)]
    pub orientation: u16,
    /// JPEG quality (default: varied by the seed, 80..95, like real phones).
    #[arg(long)]
    pub quality: Option<u8>,
    /// Render a passport data page instead of an ID card.
    #[arg(long)]
    pub passport: bool,
    /// A labelled variant: good, cut_off_left, tight, glare_large, defocus_severe,
    /// motion_mild, dark, overexposed, white_surface, cluttered, tilted_30, ...
    #[arg(long, default_value = "good")]
    pub variant: String,
    /// Output JPEG.
    #[arg(short = 'o', long = "output", value_name = "OUT.jpg")]
    pub output: PathBuf,
    /// Also write the ground truth as JSON here.
    #[arg(long, value_name = "TRUTH.json")]
    pub truth: Option<PathBuf>,
}
