//! What runs around every request: a request id, bearer-token auth, the
//! concurrency limit (503 with `Retry-After`), the timeout (504), metrics
//! and one JSON access-log line.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::api::error;
use crate::AppState;

/// Routes anyone may fetch when a token is required: the page and its
/// assets (the page asks for the token before calling the API).
const PUBLIC: &[&str] = &["/", "/assets/app.js", "/assets/style.css"];

/// Routes outside the concurrency limit and the timeout, so that health
/// checks and scrapes answer under load.
const UNLIMITED: &[&str] = &["/healthz", "/metrics"];

/// Whether `header` is `Bearer TOKEN` with TOKEN equal to `token`,
/// compared in constant time.
pub(crate) fn bearer_matches(header: Option<&HeaderValue>, token: &str) -> bool {
    let Some(given) = header
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
    else {
        return false;
    };
    let (given, token) = (given.trim().as_bytes(), token.as_bytes());
    // Lengths differ: still compare, against the token itself, so the
    // time does not depend on where a guess goes wrong.
    let same_length = given.len() == token.len();
    let compared = if same_length { given } else { token };
    bool::from(compared.ct_eq(token)) & same_length
}

/// A client's request id if it is short and plain, else a new one.
fn request_id(request: &Request, state: &AppState) -> String {
    let given = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        });
    match given {
        Some(id) => id.to_owned(),
        None => {
            let n = state.requests.fetch_add(1, Ordering::Relaxed);
            let boot = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            format!("{boot:x}-{n}")
        }
    }
}

/// The middleware.
pub(crate) async fn around(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request_id(&request, &state);
    let route: &'static str = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|m| {
            let matched = m.as_str().replace(crate::RULE_ROUTE, "/v1/rules/{id}");
            crate::ROUTES
                .iter()
                .find(|(_, path)| *path == matched)
                .map(|(_, path)| *path)
        })
        .unwrap_or("unmatched");
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let mut response = if let Some(token) = state
        .options
        .token
        .as_deref()
        .filter(|_| !PUBLIC.contains(&route))
        .filter(|token| !bearer_matches(request.headers().get(header::AUTHORIZATION), token))
    {
        let _ = token;
        let mut r = error(
            StatusCode::UNAUTHORIZED,
            "this server requires `Authorization: Bearer TOKEN` (the token of --token-file)",
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"listlint\""),
        );
        r
    } else if UNLIMITED.contains(&route) {
        next.run(request).await
    } else {
        match state.permits.clone().try_acquire_owned() {
            Err(_) => {
                let mut r = error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &format!(
                        "the server is handling {} requests, its limit (--max-concurrent); retry shortly",
                        state.options.max_concurrent
                    ),
                );
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                r
            }
            Ok(permit) => {
                let timeout = state.options.timeout;
                let response = tokio::time::timeout(timeout, next.run(request)).await;
                drop(permit);
                match response {
                    Ok(r) => r,
                    Err(_) => error(
                        StatusCode::GATEWAY_TIMEOUT,
                        &format!(
                            "the request took longer than {} ms (--timeout)",
                            timeout.as_millis()
                        ),
                    ),
                }
            }
        }
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let took = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.request(route, status, took);
    if state.options.access_log {
        let line = serde_json::json!({
            "ts": crate::engine::rfc3339(SystemTime::now()),
            "id": id,
            "peer": peer,
            "method": method.as_str(),
            "path": path,
            "route": route,
            "status": status,
            "ms": (took.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        });
        let mut text = line.to_string();
        text.push('\n');
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
    }
    response.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_match_only_exactly() {
        let h = |s: &str| HeaderValue::from_str(s).unwrap();
        assert!(bearer_matches(Some(&h("Bearer s3cret")), "s3cret"));
        assert!(!bearer_matches(Some(&h("Bearer s3cre")), "s3cret"));
        assert!(!bearer_matches(Some(&h("Bearer s3cret0")), "s3cret"));
        assert!(!bearer_matches(Some(&h("Bearer S3cret")), "s3cret"));
        assert!(!bearer_matches(Some(&h("Basic s3cret")), "s3cret"));
        assert!(!bearer_matches(Some(&h("Bearer ")), "s3cret"));
        assert!(!bearer_matches(None, "s3cret"));
    }
}
