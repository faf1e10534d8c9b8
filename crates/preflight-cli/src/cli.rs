//! Command-line definitions (SPEC §4). Raw flags are parsed here, then turned into a
//! validated [`Policy`] before any work starts.

use clap::{Args, Parser, Subcommand, ValueEnum};
use kyc_preflight::{DocumentClass, Policy, Thresholds};
use std::ops::Range;
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
    /// Fix every photo of a job in parallel and write the verified upload zip with info.json.
    Package(Box<PackageArgs>),
    /// Predict whether the service accepts an upload zip (ours or another SDK's).
    #[command(name = "validate-zip")]
    ValidateZip(ValidateZipArgs),
    /// Print the request signature and its timestamp as JSON.
    Sign(SignArgs),
    /// Check the signature of a job-status response or a callback body, as the SDKs do.
    Verify(VerifyArgs),
    /// Render a synthetic capture with known ground truth (for tests, demos and benchmarks).
    Synth(SynthArgs),
    /// Measure the capture-quality checks on labelled synthetic captures (and real specimens).
    Eval(EvalArgs),
    /// Serve check, fix, package and validate-zip over HTTP, with a capture page at `/`.
    Serve(ServeArgs),
}

/// `preflight serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless told otherwise).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Largest request body, in MiB (answered 413 above it).
    #[arg(long, value_name = "MIB", default_value_t = 128)]
    pub max_body_mib: usize,
    /// Seconds a request may wait for a worker and run before it is answered 503.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub timeout: f64,
    /// Images worked on at once [default: one per core].
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Requests admitted to wait for a worker; more are answered 503 at once [default: 4 per worker].
    #[arg(long, value_name = "N")]
    pub queue: Option<usize>,
    /// Threshold profile for requests that name none.
    #[arg(long, value_enum, default_value_t = Profile::Default)]
    pub profile: Profile,
}

/// `--class`: the document classes of SPEC §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Class {
    /// ID-1 cards.
    IdCard,
    /// Passport data pages.
    Passport,
    /// The user's face.
    Selfie,
    /// Liveness frames.
    Liveness,
}

impl From<Class> for DocumentClass {
    fn from(c: Class) -> Self {
        match c {
            Class::IdCard => DocumentClass::IdCard,
            Class::Passport => DocumentClass::Passport,
            Class::Selfie => DocumentClass::Selfie,
            Class::Liveness => DocumentClass::Liveness,
        }
    }
}

/// `--profile`: the threshold profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// The default thresholds.
    Default,
    /// Rejects more borderline captures.
    Strict,
    /// Rejects fewer.
    Lenient,
}

impl Profile {
    /// The profile's thresholds.
    pub fn thresholds(self) -> Thresholds {
        match self {
            Profile::Default => Thresholds::default_profile(),
            Profile::Strict => Thresholds::strict(),
            Profile::Lenient => Thresholds::lenient(),
        }
    }
}

/// Flags that choose the document class.
#[derive(Debug, Args)]
pub struct ClassArgs {
    /// Document class; default from --id-type, else id-card.
    #[arg(long, value_enum)]
    pub class: Option<Class>,
    /// Smile ID id_type (PASSPORT selects the passport class).
    #[arg(long = "id-type", value_name = "T")]
    pub id_type: Option<String>,
    /// Do not look for faces (the holder's portrait on a document, the face in a selfie):
    /// for the back of an ID card, which carries none. Saves 15..50 ms per image.
    #[arg(long = "no-faces")]
    pub no_faces: bool,
    /// Do not look for the machine-readable zone (mrz_* and document_expired findings).
    #[arg(long = "no-mrz")]
    pub no_mrz: bool,
    /// The date document_expired compares a valid MRZ's expiry with (YYYY-MM-DD);
    /// default today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<(i32, u32, u32)>,
}

/// `YYYY-MM-DD` as `(year, month, day)`.
fn parse_date(s: &str) -> Result<(i32, u32, u32), String> {
    let bad = || format!("expected YYYY-MM-DD, got {s:?}");
    let mut it = s.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    let (y, m, d) = (
        y.parse::<i32>().map_err(|_| bad())?,
        m.parse::<u32>().map_err(|_| bad())?,
        d.parse::<u32>().map_err(|_| bad())?,
    );
    if y.to_string().len() != 4 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    Ok((y, m, d))
}

impl ClassArgs {
    pub fn policy(&self) -> Policy {
        Policy {
            faces: !self.no_faces,
            mrz: !self.no_mrz,
            today: self.today,
            ..Policy::for_class(DocumentClass::choose(
                self.class.map(Into::into),
                self.id_type.as_deref(),
            ))
        }
    }
}

/// The limits a batch operator may need to change (docs/limits.md; the rest stay at their
/// defaults and are configurable through `Policy::limits` in the library).
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Largest input file or archive entry, in MiB [default: 64].
    #[arg(long, value_name = "MIB")]
    pub max_input_mib: Option<u64>,
    /// Largest image, in megapixels [default: 64].
    #[arg(long, value_name = "MP")]
    pub max_megapixels: Option<u64>,
    /// Per-image deadline in seconds [default: 30].
    #[arg(long, value_name = "SECS")]
    pub deadline: Option<f64>,
    /// Most entries in one zip archive [default: 10000].
    #[arg(long, value_name = "N")]
    pub max_archive_entries: Option<u32>,
    /// Largest total uncompressed size of one zip archive, in GiB [default: 16].
    #[arg(long, value_name = "GIB")]
    pub max_archive_gib: Option<u64>,
}

impl LimitArgs {
    /// Apply the flags given to `policy.limits`.
    pub fn apply(&self, policy: &mut Policy) {
        let l = &mut policy.limits;
        if let Some(m) = self.max_input_mib {
            l.max_input_bytes = m.saturating_mul(1 << 20);
        }
        if let Some(mp) = self.max_megapixels {
            l.max_pixels = mp.saturating_mul(1_000_000);
        }
        if let Some(s) = self.deadline {
            l.deadline = std::time::Duration::try_from_secs_f64(s.max(0.0))
                .unwrap_or(std::time::Duration::MAX);
        }
        if let Some(n) = self.max_archive_entries {
            l.archive.max_entries = n;
        }
        if let Some(g) = self.max_archive_gib {
            l.archive.max_total_bytes = g.saturating_mul(1 << 30);
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub class: ClassArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// JSON Lines on stdout: one report per input, then a summary.
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Threshold profile: default, strict or lenient.
    #[arg(long, value_enum, default_value_t = Profile::Default)]
    pub profile: Profile,
    /// Write an annotated PNG per input here (outline, glare, verdict colour).
    #[arg(long, value_name = "DIR")]
    pub annotate: Option<PathBuf>,
    /// Files, directories or .zip archives.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub class: ClassArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// The image to fix (never modified).
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// Where to write the JPEG (atomically; never the input itself).
    #[arg(short = 'o', long = "output", value_name = "OUT.jpg")]
    pub output: PathBuf,
    /// Print the JSON report (and a summary) on stdout.
    #[arg(long)]
    pub json: bool,
    /// Re-encode a JPEG whose only fault is its orientation, instead of turning it upright
    /// losslessly in the DCT domain (faster, at the cost of one generation of JPEG loss).
    #[arg(long)]
    pub reencode: bool,
    /// Accepted for symmetry with `check`; one image uses one core.
    #[arg(long, short = 'j', value_name = "N", hide = true)]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct PackageArgs {
    /// Issuing country, ISO 3166-1 alpha-2 (e.g. NG).
    #[arg(long, value_name = "CC")]
    pub country: String,
    /// Smile ID id_type (PASSPORT selects the passport class for the ID images).
    #[arg(long = "id-type", value_name = "T")]
    pub id_type: Option<String>,
    /// The selfie (optional with --use-enrolled-image).
    #[arg(long, value_name = "S")]
    pub selfie: Option<PathBuf>,
    /// The front of the ID document.
    #[arg(long = "id-front", value_name = "F")]
    pub id_front: PathBuf,
    /// The back of the ID document.
    #[arg(long = "id-back", value_name = "B")]
    pub id_back: Option<PathBuf>,
    /// A liveness frame (repeat, up to 8, in capture order).
    #[arg(long, value_name = "L")]
    pub liveness: Vec<PathBuf>,
    /// Images as base64 inside info.json (type ids 2/3/6/7); the zip then holds info.json alone.
    #[arg(long)]
    pub inline: bool,
    /// The job compares against the user's enrolled selfie, so no selfie is needed.
    #[arg(long = "use-enrolled-image")]
    pub use_enrolled_image: bool,
    /// Where to write the zip (atomically; only when every image is accepted).
    #[arg(short = 'o', long = "output", value_name = "attachments.zip")]
    pub output: PathBuf,
    /// JSON Lines on stdout: one report per image, the package, then a summary.
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Threshold profile: default, strict or lenient.
    #[arg(long, value_enum, default_value_t = Profile::Default)]
    pub profile: Profile,
    #[command(flatten)]
    pub partner: PartnerArgs,
    /// Also write the prep-upload request body (POST /v1/upload) here; needs --partner-id.
    #[arg(long = "prep-upload", value_name = "BODY.json")]
    pub prep_upload: Option<PathBuf>,
}

/// Partner details: with --partner-id, info.json carries misc_information (signature,
/// timestamp, partner_params, callback_url).
#[derive(Debug, Args)]
pub struct PartnerArgs {
    /// Partner ID (smile_client_id).
    #[arg(long = "partner-id", value_name = "P", requires_all = ["api_key", "job_id", "user_id"])]
    pub partner_id: Option<String>,
    /// API key the signature is made with.
    #[arg(long = "api-key", value_name = "K")]
    pub api_key: Option<String>,
    /// Your job reference (partner_params.job_id).
    #[arg(long = "job-id", value_name = "ID")]
    pub job_id: Option<String>,
    /// Your user reference (partner_params.user_id).
    #[arg(long = "user-id", value_name = "ID")]
    pub user_id: Option<String>,
    /// Where the service posts the result.
    #[arg(long = "callback-url", value_name = "URL", default_value = "")]
    pub callback_url: String,
    /// Signature timestamp, ISO 8601 (default: now).
    #[arg(long, value_name = "T")]
    pub timestamp: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValidateZipArgs {
    /// The upload zip (read in memory, never extracted).
    #[arg(value_name = "ZIP")]
    pub zip: PathBuf,
    /// Print the result as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Worker threads for checking the images (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// `preflight verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Partner ID.
    #[arg(long = "partner-id", value_name = "P")]
    pub partner_id: String,
    /// API key.
    #[arg(long = "api-key", value_name = "K")]
    pub api_key: String,
    /// The JSON body (a job-status response or a callback) with its `timestamp` and
    /// `signature`; `-` reads standard input.
    #[arg(value_name = "BODY.json")]
    pub body: PathBuf,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Partner ID.
    #[arg(long = "partner-id", value_name = "P")]
    pub partner_id: String,
    /// API key.
    #[arg(long = "api-key", value_name = "K")]
    pub api_key: String,
    /// Timestamp to sign, ISO 8601 (default: now).
    #[arg(long, value_name = "T")]
    pub timestamp: Option<String>,
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

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Seeds to render, A..B (B excluded). Seeds 0..999 are the tuning range; 1000 and above
    /// are held out and never tuned on, so the default measures honest numbers.
    #[arg(long, default_value = "1000..1040", value_name = "A..B", value_parser = parse_seeds)]
    pub seeds: Range<u64>,
    /// Upright frame size, WxH (1600x1200 for speed; 4000x3000 like a phone).
    #[arg(long, default_value = "1600x1200", value_name = "WxH", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Threshold profile: default, strict or lenient.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Also check the real specimens listed in DIR/documents/labels.csv and
    /// DIR/faces/labels.csv (e.g. ../shared/data); skipped with a reason when absent.
    #[arg(long, value_name = "DIR")]
    pub real: Option<PathBuf>,
    /// Also score a labelled folder's labels.csv (the real-photo, second-renderer or
    /// documents layout of ../shared/data; repeatable). `--real DIR` adds every labelled
    /// set found under DIR.
    #[arg(long, value_name = "LABELS.csv")]
    pub labels: Vec<PathBuf>,
    /// Rows of the labelled sets to score: all, tune (two groups in three) or check (the
    /// held-out third).
    #[arg(long, default_value = "all", value_parser = ["all", "tune", "check"])]
    pub split: String,
    /// Score only the labelled sets (no synthetic seeds).
    #[arg(long)]
    pub labels_only: bool,
    /// Write an annotated PNG of every labelled image the checks got wrong here.
    #[arg(long, value_name = "DIR")]
    pub annotate: Option<PathBuf>,
    /// Also write the Markdown report here.
    #[arg(long, value_name = "OUT.md")]
    pub markdown: Option<PathBuf>,
    /// Print the results as one JSON object on stdout instead of Markdown.
    #[arg(long)]
    pub json: bool,
}

fn parse_seeds(s: &str) -> Result<Range<u64>, String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("expected A..B, got {s:?}"))?;
    let a: u64 = a.trim().parse().map_err(|e| format!("seed {a:?}: {e}"))?;
    let b: u64 = b.trim().parse().map_err(|e| format!("seed {b:?}: {e}"))?;
    if a >= b {
        return Err(format!("empty seed range {a}..{b}"));
    }
    Ok(a..b)
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("expected WxH, got {s:?}"))?;
    let w: u32 = w.trim().parse().map_err(|e| format!("width {w:?}: {e}"))?;
    let h: u32 = h.trim().parse().map_err(|e| format!("height {h:?}: {e}"))?;
    if !(64..=16384).contains(&w) || !(64..=16384).contains(&h) {
        return Err(format!("{w}x{h}: each side must be 64..=16384"));
    }
    Ok((w, h))
}
