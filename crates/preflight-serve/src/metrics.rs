//! `/metrics`: request counts by route and status, verdicts, and a latency histogram per
//! route, in the Prometheus text format.

use kyc_preflight::Verdict;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, seconds.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The routes counted by name; anything else is `other` (a scanner cannot grow the table).
const ROUTES: [&str; 8] = [
    "/",
    "/healthz",
    "/metrics",
    "/v1/check",
    "/v1/annotate",
    "/v1/fix",
    "/v1/package",
    "/v1/validate-zip",
];

/// The route label for a path.
pub fn route_of(path: &str) -> &'static str {
    ROUTES
        .iter()
        .find(|r| **r == path)
        .copied()
        .unwrap_or("other")
}

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(&'static str, u16), u64>,
    verdicts: BTreeMap<&'static str, u64>,
    latency: BTreeMap<&'static str, Histogram>,
}

/// The service's counters (one lock, taken once per request: the work per request is
/// milliseconds of image processing).
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// One request answered.
    pub fn request(&self, route: &'static str, status: u16, took: Duration) {
        let s = took.as_secs_f64();
        self.with(|m| {
            *m.requests.entry((route, status)).or_default() += 1;
            let h = m.latency.entry(route).or_default();
            for (c, b) in h.counts.iter_mut().zip(BUCKETS) {
                if s <= b {
                    *c += 1;
                }
            }
            h.count += 1;
            h.sum += s;
        });
    }

    /// One image's verdict.
    pub fn verdict(&self, v: Verdict) {
        let name = match v {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Reject => "reject",
            Verdict::Error => "error",
        };
        self.with(|m| *m.verdicts.entry(name).or_default() += 1);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        self.with(|m| {
            let mut out = String::new();
            out.push_str("# HELP preflight_requests_total HTTP requests answered, by route and status.\n");
            out.push_str("# TYPE preflight_requests_total counter\n");
            for ((route, status), n) in &m.requests {
                let _ = writeln!(
                    out,
                    "preflight_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
            out.push_str("# HELP preflight_verdicts_total Images evaluated, by verdict.\n");
            out.push_str("# TYPE preflight_verdicts_total counter\n");
            for (verdict, n) in &m.verdicts {
                let _ = writeln!(out, "preflight_verdicts_total{{verdict=\"{verdict}\"}} {n}");
            }
            out.push_str("# HELP preflight_request_duration_seconds Time to answer, by route.\n");
            out.push_str("# TYPE preflight_request_duration_seconds histogram\n");
            for (route, h) in &m.latency {
                for (c, b) in h.counts.iter().zip(BUCKETS) {
                    let _ = writeln!(
                        out,
                        "preflight_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {c}"
                    );
                }
                let _ = writeln!(
                    out,
                    "preflight_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "preflight_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "preflight_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
            out
        })
    }
}
