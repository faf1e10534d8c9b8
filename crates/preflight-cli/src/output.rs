//! What the commands print: one JSON object per line, the human report, the progress bar.

use kyc_preflight::{Report, Verdict};
use std::io::{IsTerminal, Write};

/// Write one JSON line to stdout; a closed pipe ends the process quietly (not an error).
pub fn emit_json<T: serde::Serialize>(value: &T) {
    let mut out = std::io::stdout().lock();
    let line = serde_json::to_string(value).expect("reports serialise");
    if let Err(e) = writeln!(out, "{line}").and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("preflight: writing to stdout: {e}");
        std::process::exit(2);
    }
}

/// The human-readable form of a report, for stderr.
pub fn human(report: &Report) -> String {
    let verdict = match report.verdict {
        Verdict::Pass => "PASS",
        Verdict::Warn => "WARN",
        Verdict::Reject => "REJECT",
        Verdict::Error => "ERROR",
    };
    let mut s = format!("{verdict:<6}  {}  [{}", report.path, report.class.as_str());
    if let Some(img) = report.image {
        s.push_str(&format!(" {}x{}", img.width, img.height));
    }
    if let Some(input) = &report.input {
        s.push_str(&format!(", {} {} bytes", input.format, input.bytes));
        if let Some(o) = input.orientation.filter(|&o| o != 1) {
            s.push_str(&format!(", EXIF orientation {o}"));
        }
    }
    s.push(']');
    if let Some(err) = &report.error {
        s.push_str(&format!("\n        {}: {}", err.code, err.message));
    }
    for f in &report.findings {
        s.push_str(&format!(
            "\n        {:<6} {}: {}",
            format!("{:?}", f.severity).to_lowercase(),
            f.code.as_str(),
            f.message
        ));
    }
    if let Some(out) = &report.output {
        s.push_str(&format!(
            "\n        output: {} bytes, {}x{}, {}",
            out.bytes,
            out.width,
            out.height,
            match out.quality {
                Some(q) => format!(
                    "re-encoded at quality {q} {} ({} full encodes, {} sample encodes)",
                    out.chroma.unwrap_or(""),
                    out.encodes.full,
                    out.encodes.sample
                ),
                None if out.lossless =>
                    "turned upright in the DCT domain, every coefficient kept, metadata removed"
                        .into(),
                None if out.metadata_stripped => "original pixels, metadata removed".into(),
                None => "original file kept as it is".into(),
            }
        ));
        if let Some(p) = &out.path {
            s.push_str(&format!(" -> {p}"));
        }
    }
    s
}

/// A progress bar on stderr for `len` items, when stderr is a terminal.
pub fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} {elapsed_precise} eta {eta}",
            )
            .expect("valid template"),
        );
        bar
    })
}
