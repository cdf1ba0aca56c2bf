//! The page at `/`: an operator types a title and description and sees
//! banned wording highlighted as they type. Its script and style are
//! embedded in the binary and served from `/assets/`; the page loads
//! nothing from elsewhere (its Content-Security-Policy says so).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("web/index.html");
const SCRIPT: &str = include_str!("web/app.js");
const STYLE: &str = include_str!("web/style.css");

/// Only this server's own script, style and API.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

fn page(body: &'static str, media_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// `GET /`.
pub async fn index() -> Response {
    page(INDEX, "text/html; charset=utf-8")
}

/// `GET /assets/app.js`.
pub async fn script() -> Response {
    page(SCRIPT, "text/javascript; charset=utf-8")
}

/// `GET /assets/style.css`.
pub async fn style() -> Response {
    page(STYLE, "text/css; charset=utf-8")
}
