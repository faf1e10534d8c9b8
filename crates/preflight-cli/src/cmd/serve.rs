//! `preflight serve`: the HTTP service (crate `preflight-serve`).

use crate::cli::ServeArgs;

/// Run `preflight serve` until SIGTERM or Ctrl-C; the return value is the process exit code.
pub fn run(args: ServeArgs) -> u8 {
    let mut config = preflight_serve::Config {
        listen: args.listen,
        max_body_bytes: args.max_body_mib.saturating_mul(1 << 20),
        thresholds: args.profile.thresholds(),
        ..preflight_serve::Config::default()
    };
    if let Some(n) = args.workers {
        config.workers = n.max(1);
        config.queue = 4 * config.workers;
    }
    if let Some(q) = args.queue {
        config.queue = q;
    }
    if args.timeout.is_finite() && args.timeout > 0.0 {
        config.timeout = std::time::Duration::from_secs_f64(args.timeout);
    } else {
        eprintln!("preflight serve: --timeout must be a positive number of seconds");
        return 2;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("preflight serve: {e}");
            return 2;
        }
    };
    match runtime.block_on(preflight_serve::serve(config)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("preflight serve: {}: {e}", args.listen);
            2
        }
    }
}
