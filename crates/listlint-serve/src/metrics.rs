//! `GET /metrics`: Prometheus text exposition of requests by route and
//! status, a latency histogram per route, findings by rule, and reloads.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::Duration;

use crate::engine::Engine;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// One route's latency histogram.
#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(&'static str, u16), u64>,
    latency: BTreeMap<&'static str, Histogram>,
    findings: BTreeMap<String, u64>,
}

/// The counters, behind one lock taken once per request.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    /// Records a finished request.
    pub fn request(&self, route: &'static str, status: u16, took: Duration) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        *inner.requests.entry((route, status)).or_default() += 1;
        let h = inner.latency.entry(route).or_default();
        let secs = took.as_secs_f64();
        h.count += 1;
        h.sum += secs;
        for (bound, count) in BUCKETS.iter().zip(h.counts.iter_mut()) {
            if secs <= *bound {
                *count += 1;
            }
        }
    }

    /// Counts the findings of a response by rule.
    pub fn findings<'a>(&self, rules: impl IntoIterator<Item = &'a str>) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        for rule in rules {
            match inner.findings.get_mut(rule) {
                Some(n) => *n += 1,
                None => {
                    inner.findings.insert(rule.to_owned(), 1);
                }
            }
        }
    }

    /// The exposition text.
    pub fn render(&self, engine: &Engine) -> String {
        let mut out = String::new();
        let Ok(inner) = self.inner.lock() else {
            return out;
        };
        out.push_str("# HELP listlint_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE listlint_http_requests_total counter\n");
        for ((route, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "listlint_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str(
            "# HELP listlint_http_request_duration_seconds Time from request to response.\n",
        );
        out.push_str("# TYPE listlint_http_request_duration_seconds histogram\n");
        for (route, h) in &inner.latency {
            let route = escape(route);
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "listlint_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "listlint_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "listlint_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "listlint_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        out.push_str("# HELP listlint_findings_total Findings reported over HTTP, by rule.\n");
        out.push_str("# TYPE listlint_findings_total counter\n");
        for (rule, n) in &inner.findings {
            let _ = writeln!(
                out,
                "listlint_findings_total{{rule=\"{}\"}} {n}",
                escape(rule)
            );
        }
        out.push_str(
            "# HELP listlint_reloads_total Rule pack reloads that replaced the ruleset.\n",
        );
        out.push_str("# TYPE listlint_reloads_total counter\n");
        let _ = writeln!(
            out,
            "listlint_reloads_total {}",
            engine.reloads.load(Ordering::Relaxed)
        );
        out.push_str(
            "# HELP listlint_reload_failures_total Reloads that failed (the old ruleset kept serving).\n",
        );
        out.push_str("# TYPE listlint_reload_failures_total counter\n");
        let _ = writeln!(
            out,
            "listlint_reload_failures_total {}",
            engine.reload_failures.load(Ordering::Relaxed)
        );
        out
    }
}

/// A label value with `\`, `"` and line breaks escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
