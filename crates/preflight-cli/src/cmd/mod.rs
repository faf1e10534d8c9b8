//! One file per command; each has a `run` that returns the process exit code.

pub mod check;
pub mod eval;
pub mod fix;
pub mod package;
pub mod serve;
pub mod sign;
pub mod synth;
pub mod validate_zip;
pub mod verify;

/// Run `work` on a pool of `jobs` threads (0 = all cores).
pub fn on_pool<T: Send>(jobs: usize, work: impl FnOnce() -> T + Send) -> Result<T, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map(|pool| pool.install(work))
        .map_err(|e| format!("thread pool: {e}"))
}
