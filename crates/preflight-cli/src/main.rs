//! The `preflight` command-line tool: flags (`cli`), one file per command (`cmd/`), the
//! human and JSON output (`output`), atomic writes (`files`).

mod cli;
mod cmd;
mod files;
mod output;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("PREFLIGHT_NO_HUGEPAGES").is_none() {
        hugepage_heap();
    }
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Fix(args) => cmd::fix::run(args),
        Command::Package(args) => cmd::package::run(*args),
        Command::ValidateZip(args) => cmd::validate_zip::run(args),
        Command::Sign(args) => cmd::sign::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Synth(args) => cmd::synth::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    };
    ExitCode::from(code)
}

/// The binary's heap (both builds): one malloc arena whose memory the kernel backs with transparent
/// huge pages (`MADV_HUGEPAGE`; the machines we measured run THP in `madvise` mode).
///
/// A one-shot `check` touches about 14 MB (the file, the planes, the outline's work
/// buffers), and glibc's default hands every block over 128 KiB out as a fresh `mmap`: about
/// 3,400 page faults, ~10 ms of kernel time against a 40 ms decode. Here blocks up to
/// 64 MiB come from the main heap, which grows 64 MiB at a time and is not trimmed, and the
/// first 96 MiB of it is advised as huge pages: about 210 faults (measured in
/// docs/performance.md). One arena (rather than one per thread) keeps the rayon workers on
/// that heap; with one large allocation per image stage, the lock is not contended (2-core
/// throughput stays ≥ 2×). Untouched heap stays virtual, so the peak RSS does not grow.
/// Best effort: a refused `mallopt` or `madvise` only leaves the default behaviour.
/// `PREFLIGHT_NO_HUGEPAGES=1` turns it off (for comparisons). The library never does this:
/// a process's allocator is its owner's choice.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn hugepage_heap() {
    const MB: usize = 1 << 20;
    // SAFETY: mallopt only changes glibc's allocation policy; the block is ours from malloc
    // to free, and madvise(MADV_HUGEPAGE) on heap pages changes how they are backed, never
    // their contents.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, (64 * MB) as i32);
        libc::mallopt(libc::M_TOP_PAD, (64 * MB) as i32);
        libc::mallopt(libc::M_TRIM_THRESHOLD, (256 * MB) as i32);
        // Grow the heap once (32 MiB + the 64 MiB pad), advise it, and give it back to
        // malloc: later blocks are carved from the advised range.
        let p = libc::malloc(32 * MB);
        if p.is_null() {
            return;
        }
        let end = libc::sbrk(0) as usize;
        let start = (p as usize).next_multiple_of(2 * MB);
        if end > start {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
        libc::free(p);
    }
}
