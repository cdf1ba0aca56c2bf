//! `POST /v2/check` and `GET /v2/languages`, as LanguageTool's HTTP API
//! has them, so that its clients (browser extensions, LibreOffice, editor
//! plugins) pointed at this server underline banned wording.
//!
//! The text is checked as a listing whose title and description are both
//! the text; findings of both fields at the same span are one match.
//! Offsets and lengths are in UTF-16 code units of the submitted text, as
//! LanguageTool's (Java) clients count.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use listlint_core::listing::Listing;
use listlint_core::model::{Finding, Severity};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{check_one, error, read_body, ruleset_for};
use crate::AppState;

/// The parameters LanguageTool clients send (others are accepted and
/// ignored, as LanguageTool does with those it does not know).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Params {
    text: Option<String>,
    data: Option<String>,
    language: Option<String>,
    enabled_rules: Option<String>,
    disabled_rules: Option<String>,
    enabled_only: Option<Value>,
}

/// `data`: text and markup, LanguageTool's annotated text.
#[derive(Debug, Deserialize)]
struct Annotated {
    annotation: Vec<Annotation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Annotation {
    text: Option<String>,
    markup: Option<String>,
    interpret_as: Option<String>,
}

/// The text checked, and for each of its characters the UTF-16 offset in
/// the submitted text (markup of `data` counts there but is not checked;
/// one more entry for the end).
struct Checked {
    text: String,
    utf16_at: Vec<usize>,
}

impl Checked {
    fn plain(text: String) -> Self {
        let mut utf16_at = Vec::with_capacity(text.len() + 1);
        let mut at = 0;
        for c in text.chars() {
            utf16_at.push(at);
            at += c.len_utf16();
        }
        utf16_at.push(at);
        Self { text, utf16_at }
    }

    fn annotated(data: Annotated) -> Self {
        let mut text = String::new();
        let mut utf16_at = Vec::new();
        let mut at = 0;
        for part in data.annotation {
            match (part.text, part.markup) {
                (Some(t), _) => {
                    for c in t.chars() {
                        text.push(c);
                        utf16_at.push(at);
                        at += c.len_utf16();
                    }
                }
                (None, Some(m)) => {
                    // Markup is read as what it stands for (a line break
                    // for `<p>`), placed where the markup starts.
                    for c in part.interpret_as.unwrap_or_default().chars() {
                        text.push(c);
                        utf16_at.push(at);
                    }
                    at += m.encode_utf16().count();
                }
                (None, None) => {}
            }
        }
        utf16_at.push(at);
        Self { text, utf16_at }
    }
}

fn flag(value: &Option<Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Languages this server checks.
fn supported(language: &str) -> bool {
    let l = language.to_ascii_lowercase();
    l == "auto" || l == "zh" || l.starts_with("zh-")
}

fn params(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Result<Params, String> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let from_body = if body.is_empty() {
        None
    } else if json {
        Some(serde_json::from_slice::<Params>(body).map_err(|e| format!("the JSON body: {e}"))?)
    } else {
        Some(
            serde_urlencoded::from_bytes::<Params>(body)
                .map_err(|e| format!("the form body: {e}"))?,
        )
    };
    match (from_body, query.filter(|q| !q.is_empty())) {
        (Some(p), _) => Ok(p),
        (None, Some(q)) => {
            serde_urlencoded::from_str(q).map_err(|e| format!("the query string: {e}"))
        }
        (None, None) => Ok(Params::default()),
    }
}

/// `POST /v2/check`.
pub async fn check(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = match read_body(&state, &headers, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let params = match params(&headers, query.as_deref(), &body) {
        Ok(p) => p,
        Err(m) => return error(StatusCode::BAD_REQUEST, &m),
    };
    let Some(language) = params.language.as_deref() else {
        return error(
            StatusCode::BAD_REQUEST,
            "missing `language` (zh-CN, zh or auto)",
        );
    };
    if !supported(language) {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("`language={language}` is not supported: this server checks zh-CN (zh, auto)"),
        );
    }
    let checked = match (params.text, params.data) {
        (Some(text), _) => Checked::plain(text),
        (None, Some(data)) => match serde_json::from_str::<Annotated>(&data) {
            Ok(data) => Checked::annotated(data),
            Err(e) => return error(StatusCode::BAD_REQUEST, &format!("`data`: {e}")),
        },
        (None, None) => return error(StatusCode::BAD_REQUEST, "missing `text` (or `data`)"),
    };
    let generation = state.engine.current();
    let enabled = generation.known_tokens(&list(params.enabled_rules.as_deref()));
    let disabled = generation.known_tokens(&list(params.disabled_rules.as_deref()));
    let enabled_only = flag(&params.enabled_only);
    if enabled_only && enabled.is_empty() {
        return (StatusCode::OK, axum::Json(answer(&checked, Vec::new()))).into_response();
    }
    let select = if enabled_only { enabled } else { Vec::new() };
    let key = generation.key(&select, &disabled, None, false);
    let ruleset = match ruleset_for(&generation, key).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let listing = Listing::new("<text>")
        .with_field("title", checked.text.as_str())
        .with_field("description", checked.text.as_str());
    let findings = check_one(&ruleset, &listing);
    let matches = matches(&checked, findings);
    state
        .metrics
        .findings(matches.iter().map(|m| m.rule.as_ref()));
    let body = answer(&checked, matches.iter().map(|m| m.json.clone()).collect());
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// The response around the matches.
fn answer(_checked: &Checked, matches: Vec<Value>) -> Value {
    json!({
        "software": {
            "name": "listlint",
            "version": env!("CARGO_PKG_VERSION"),
            "buildDate": null,
            "apiVersion": 1,
            "premium": false,
            "status": "",
        },
        "warnings": {"incompleteResults": false},
        "language": {
            "name": "Chinese",
            "code": "zh-CN",
            "detectedLanguage": {"name": "Chinese", "code": "zh-CN", "confidence": 1.0},
        },
        "matches": matches,
    })
}

struct Match {
    rule: Arc<str>,
    json: Value,
}

/// Characters of context on each side of a match.
const CONTEXT: usize = 20;

/// LanguageTool's issue type for a severity: policy findings are legal
/// issues (ITS 2.0), information is style.
fn issue_type(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "style",
        _ => "legal",
    }
}

/// The findings with a span in the text, one per (rule, span), in text
/// order, as LanguageTool matches.
fn matches(checked: &Checked, mut findings: Vec<Finding>) -> Vec<Match> {
    findings.retain(|f| f.start.is_some() && f.end.is_some());
    findings.sort_by_key(|f| (f.start, f.end));
    let chars: Vec<char> = checked.text.chars().collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for f in findings {
        let (Some(start), Some(end)) = (f.start, f.end) else {
            continue;
        };
        if end > chars.len() || start > end || !seen.insert((f.rule.clone(), start, end)) {
            continue;
        }
        // The span ends after its last character (markup that follows it
        // is not part of it).
        let offset = checked.utf16_at[start];
        let length = match end.checked_sub(1).filter(|_| end > start) {
            Some(last) => checked.utf16_at[last] + chars[last].len_utf16() - offset,
            None => 0,
        };
        let from = start.saturating_sub(CONTEXT);
        let to = (end + CONTEXT).min(chars.len());
        let context: String = chars[from..to].iter().collect();
        let context_offset: usize = chars[from..start].iter().map(|c| c.len_utf16()).sum();
        let replacements: Vec<Value> = f
            .suggestion
            .iter()
            .map(|s| json!({"value": &**s}))
            .collect();
        let short = f.text.clone().unwrap_or_default();
        out.push(Match {
            rule: f.rule.clone(),
            json: json!({
                "message": f.message,
                "shortMessage": short,
                "replacements": replacements,
                "offset": offset,
                "length": length,
                "context": {"text": context, "offset": context_offset, "length": length},
                "sentence": context,
                "type": {"typeName": "Other"},
                "rule": {
                    "id": &*f.rule,
                    "description": f.help.as_deref().unwrap_or(&f.message),
                    "issueType": issue_type(f.severity),
                    "category": {"id": &*f.category, "name": &*f.category},
                },
                "ignoreForIncompleteSentence": false,
                "contextForSureMatch": 0,
            }),
        });
    }
    out
}

/// `GET /v2/languages`.
pub async fn languages() -> Response {
    let body = json!([{"name": "Chinese", "code": "zh", "longCode": "zh-CN"}]);
    (StatusCode::OK, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_surrogate_pairs_and_markup() {
        let c = Checked::plain("😀a𠀀b".to_owned());
        assert_eq!(c.utf16_at, [0, 2, 3, 5, 6]);
        let data: Annotated = serde_json::from_str(
            r#"{"annotation":[{"text":"a"},{"markup":"<p>","interpretAs":"\n"},{"text":"😀b"}]}"#,
        )
        .unwrap();
        let c = Checked::annotated(data);
        assert_eq!(c.text, "a\n😀b");
        assert_eq!(c.utf16_at, [0, 1, 4, 6, 7]);
    }
}
