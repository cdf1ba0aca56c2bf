//! The JSON API: `/v1/check`, `/v1/check/file`, `/v1/rules`, `/healthz`,
//! `/metrics`, `/openapi.json`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use listlint_core::date::Date;
use listlint_core::engine::{RuleFilter, Ruleset, Scratch, INPUT_CATEGORY};
use listlint_core::listing::profile::{FieldMapper, Profile, PROFILE_NAMES};
use listlint_core::model::{Finding, Summary};
use listlint_core::pack::schema::Reference;
use listlint_io::fix::{fix_input_with, is_fixable, FixOptions, Fixed, SkipReason};
use listlint_io::report::{
    reporter, write_json_document, Language, OutputFormat, ReportOptions, Reporter, RuleInfo,
};
use listlint_io::run::{run_check, CheckPlan};
use listlint_io::source::{Input, InputFormat, RawRecord, ReadOptions};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::engine::{Generation, VariantError, VariantKey};
use crate::AppState;

/// The `file` of findings of `/v1/check`: listings in a request are
/// numbered as the lines of a JSON Lines file of that name would be.
pub const REQUEST_FILE: &str = "<request>";

/// A JSON error response: `{"error": {"status": …, "message": …}}`.
pub fn error(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {"status": status.as_u16(), "message": message}});
    (status, axum::Json(body)).into_response()
}

/// Answers routes that do not exist.
pub async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "no such route; GET /openapi.json lists them",
    )
}

/// Reads a request body of at most `--max-body` bytes (413 above).
pub async fn read_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, Response> {
    let limit = state.options.max_body;
    let too_big = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the request body is larger than {limit} bytes (--max-body)"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_big());
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_big())
}

fn json_response(status: StatusCode, bytes: Vec<u8>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response()
}

/// Options of a check, from the query string or the request's wrapper.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckQuery {
    as_of: Option<String>,
    select: Option<String>,
    ignore: Option<String>,
}

/// `select`/`ignore` in a request body: a list of strings or one
/// comma-separated string.
fn tokens(value: Option<Value>, key: &str) -> Result<Vec<String>, Response> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s]),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                other => Err(bad_request(format!(
                    "`{key}` must be a string or a list of strings, and holds {other}"
                ))),
            })
            .collect(),
        Some(other) => Err(bad_request(format!(
            "`{key}` must be a string or a list of strings, not {other}"
        ))),
    }
}

/// `{"listings": [...], "as_of", "select", "ignore"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapper<'a> {
    #[serde(borrow)]
    listings: &'a RawValue,
    as_of: Option<Value>,
    select: Option<Value>,
    ignore: Option<Value>,
}

/// A parsed `/v1/check` request.
struct CheckRequest<'a> {
    listings: Vec<&'a str>,
    select: Vec<String>,
    ignore: Vec<String>,
    as_of: Option<Date>,
}

fn bad_request(message: impl std::fmt::Display) -> Response {
    error(StatusCode::BAD_REQUEST, &message.to_string())
}

fn parse_date(text: &str, what: &str) -> Result<Date, Response> {
    Date::parse(text)
        .ok_or_else(|| bad_request(format!("`{what}`: `{text}` is not a date (YYYY-MM-DD)")))
}

fn parse_query<T: serde::de::DeserializeOwned + Default>(
    query: Option<&str>,
) -> Result<T, Response> {
    match query {
        None | Some("") => Ok(T::default()),
        Some(q) => {
            serde_urlencoded::from_str(q).map_err(|e| bad_request(format!("query string: {e}")))
        }
    }
}

fn parse_check_request<'a>(
    body: &'a [u8],
    query: CheckQuery,
    max_listings: usize,
) -> Result<CheckRequest<'a>, Response> {
    let text = std::str::from_utf8(body)
        .map_err(|e| bad_request(format!("the body is not UTF-8: {e}")))?;
    // The top level's keys only; values stay unparsed.
    let top: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(|e| {
        bad_request(format!(
            "the body is not a JSON object (a listing, or {{\"listings\": [...]}}): {e}"
        ))
    })?;
    let mut request = if top.contains_key("listings") {
        let wrapper: Wrapper =
            serde_json::from_str(text).map_err(|e| bad_request(format!("the request: {e}")))?;
        let listings: Vec<&RawValue> =
            serde_json::from_str(wrapper.listings.get()).map_err(|e| {
                bad_request(format!(
                    "`listings` must be an array of listing objects: {e}"
                ))
            })?;
        for (i, listing) in listings.iter().enumerate() {
            if !listing.get().trim_start().starts_with('{') {
                return Err(bad_request(format!(
                    "listings[{i}] is not a JSON object: a listing is an object of fields"
                )));
            }
        }
        CheckRequest {
            listings: listings.iter().map(|l| l.get()).collect(),
            select: tokens(wrapper.select, "select")?,
            ignore: tokens(wrapper.ignore, "ignore")?,
            as_of: match wrapper.as_of {
                None | Some(Value::Null) => None,
                Some(Value::String(d)) => Some(parse_date(&d, "as_of")?),
                Some(other) => {
                    return Err(bad_request(format!(
                        "`as_of` must be a date string (YYYY-MM-DD), not {other}"
                    )))
                }
            },
        }
    } else {
        CheckRequest {
            listings: vec![text],
            select: Vec::new(),
            ignore: Vec::new(),
            as_of: None,
        }
    };
    if request.listings.len() > max_listings {
        return Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "{} listings in one request; the limit is {max_listings} (--max-listings)",
                request.listings.len()
            ),
        ));
    }
    if let Some(select) = query.select {
        request.select.push(select);
    }
    if let Some(ignore) = query.ignore {
        request.ignore.push(ignore);
    }
    if let Some(as_of) = query.as_of {
        request.as_of = Some(parse_date(&as_of, "as_of")?);
    }
    Ok(request)
}

fn variant_error(e: VariantError) -> Response {
    match e {
        VariantError::BadSelection(m) => bad_request(m),
        VariantError::Unavailable(m) => error(StatusCode::SERVICE_UNAVAILABLE, &m),
    }
}

/// The ruleset of a request: the cached one at once, else compiled on a
/// blocking thread.
pub(crate) async fn ruleset_for(
    generation: &Arc<Generation>,
    key: VariantKey,
) -> Result<Arc<Ruleset>, Response> {
    if let Some(ruleset) = generation.cached(&key) {
        return Ok(ruleset);
    }
    let generation = generation.clone();
    tokio::task::spawn_blocking(move || generation.ruleset_for(&key))
        .await
        .map_err(|_| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "compiling the rules failed",
            )
        })?
        .map_err(variant_error)
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// Checks one listing with the thread's scratch space.
pub(crate) fn check_one(
    ruleset: &Ruleset,
    listing: &listlint_core::listing::Listing,
) -> Vec<Finding> {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => ruleset.check(listing, &mut scratch),
        Err(_) => ruleset.check(listing, &mut Scratch::default()),
    })
}

/// Checks a request's listings as `check --input-format jsonl` checks the
/// lines of a file named [`REQUEST_FILE`]: the same parser, the same
/// waivers and filters, the same summary.
fn check_listings(
    ruleset: &Ruleset,
    generation: &Generation,
    filter: &RuleFilter,
    listings: &[&str],
) -> (Summary, Vec<Finding>) {
    let mut summary = Summary::new();
    let mut gate = generation.gate(ruleset.settings.as_of);
    let mut out = Vec::new();
    let expired = gate.waivers.expired_findings();
    for f in &expired {
        summary.count(f);
    }
    out.extend(expired);
    let file: Arc<str> = Arc::from(REQUEST_FILE);
    let mut mapper = FieldMapper::new(generation.profile.clone());
    for (i, text) in listings.iter().enumerate() {
        let record = RawRecord::JsonLine {
            file: file.clone(),
            line: i as u64 + 1,
            record: i as u64 + 1,
            bytes: text.as_bytes().to_vec(),
        };
        let listing = record.into_listing(&mut mapper);
        let mut findings = check_one(ruleset, &listing);
        findings.retain(|f| {
            &*f.category != INPUT_CATEGORY || !filter.ignored(&f.rule, &f.category, &f.pack)
        });
        summary.listings += 1;
        out.extend(gate.pass(findings, &mut summary));
    }
    summary.files = 1;
    summary.waived = gate.waivers.waived;
    (summary, out)
}

/// The filter of a request's `select`/`ignore` on top of the server's.
fn request_filter(generation: &Generation, select: &[String], ignore: &[String]) -> RuleFilter {
    let packs = &generation.settings.packs;
    let select = if select.is_empty() {
        packs.select.clone()
    } else {
        select.to_vec()
    };
    let mut ignore_all = packs.ignore.clone();
    ignore_all.extend(ignore.iter().cloned());
    RuleFilter::new(&select, &ignore_all)
}

/// `POST /v1/check`.
pub async fn check(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let query: CheckQuery = match parse_query(query.as_deref()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let body = match read_body(&state, &headers, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let request = match parse_check_request(&body, query, state.options.max_listings) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let generation = state.engine.current();
    let key = generation.key(&request.select, &request.ignore, request.as_of, false);
    let ruleset = match ruleset_for(&generation, key).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let filter = request_filter(&generation, &request.select, &request.ignore);
    let (summary, findings) = if request.listings.len() <= 8 {
        check_listings(&ruleset, &generation, &filter, &request.listings)
    } else {
        let owned: Vec<String> = request.listings.iter().map(|s| (*s).to_owned()).collect();
        let generation = generation.clone();
        let done = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
            check_listings(&ruleset, &generation, &filter, &refs)
        })
        .await;
        match done {
            Ok(done) => done,
            Err(_) => return error(StatusCode::INTERNAL_SERVER_ERROR, "the check failed"),
        }
    };
    state.metrics.findings(findings.iter().map(|f| &*f.rule));
    let mut out = Vec::with_capacity(1024);
    let config = generation.config_name();
    if write_json_document(&mut out, &summary, &findings, config.as_deref()).is_err() {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot write the findings",
        );
    }
    json_response(StatusCode::OK, out)
}

/// Query of `/v1/check/file`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileQuery {
    format: Option<String>,
    output: Option<String>,
    profile: Option<String>,
    name: Option<String>,
    as_of: Option<String>,
    select: Option<String>,
    ignore: Option<String>,
    fix: Option<bool>,
    unsafe_fixes: Option<bool>,
}

/// Input formats a file upload may have.
const FILE_FORMATS: &[(&str, InputFormat)] = &[
    ("csv", InputFormat::Csv),
    ("tsv", InputFormat::Tsv),
    ("jsonl", InputFormat::Jsonl),
    ("json", InputFormat::Json),
    ("xlsx", InputFormat::Xlsx),
];

/// Report formats `/v1/check/file` answers in, with their media types.
const FILE_OUTPUTS: &[(&str, OutputFormat, &str)] = &[
    ("json", OutputFormat::Json, "application/json"),
    ("html", OutputFormat::Html, "text/html; charset=utf-8"),
    (
        "xlsx",
        OutputFormat::Xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("sarif", OutputFormat::Sarif, "application/sarif+json"),
];

/// A file name for findings: the client's `name` without folders or
/// control characters, else `upload.FORMAT`.
fn upload_name(name: Option<&str>, format: &str) -> String {
    let cleaned: String = name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if cleaned.trim().is_empty() {
        format!("upload.{format}")
    } else {
        cleaned
    }
}

/// `POST /v1/check/file`.
pub async fn check_file(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let query: FileQuery = match parse_query(query.as_deref()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let named_format = query.name.as_deref().and_then(|n| {
        let ext = n.rsplit_once('.')?.1.to_ascii_lowercase();
        FILE_FORMATS
            .iter()
            .find(|(name, _)| *name == ext)
            .map(|(name, _)| *name)
    });
    let Some(format_name) = query.format.as_deref().or(named_format) else {
        return bad_request("`format` is required (csv, tsv, jsonl, json or xlsx), or a `name` with one of those extensions");
    };
    let Some(&(format_name, format)) = FILE_FORMATS.iter().find(|(n, _)| *n == format_name) else {
        return bad_request(format!(
            "`format={format_name}` is not an input format: one of csv, tsv, jsonl, json, xlsx"
        ));
    };
    let fix = match fix_wanted(&query) {
        Ok(fix) => fix,
        Err(r) => return r,
    };
    let output_name = query.output.as_deref().unwrap_or("json");
    let Some(&(_, output, media_type)) = FILE_OUTPUTS.iter().find(|(n, _, _)| *n == output_name)
    else {
        return bad_request(format!(
            "`output={output_name}` is not a report format: one of json, html, xlsx, sarif"
        ));
    };
    let generation = state.engine.current();
    let profile = match query.profile.as_deref() {
        None => generation.profile.clone(),
        Some(name) => match Profile::named(name) {
            Some(mut p) => {
                for (field, header) in &generation.settings.maps {
                    p.map(field, header);
                }
                Arc::new(p)
            }
            None => {
                return bad_request(format!(
                    "`profile={name}` is not a profile: one of {}",
                    PROFILE_NAMES.join(", ")
                ))
            }
        },
    };
    let as_of = match query
        .as_of
        .as_deref()
        .map(|d| parse_date(d, "as_of"))
        .transpose()
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let select: Vec<String> = query.select.into_iter().collect();
    let ignore: Vec<String> = query.ignore.into_iter().collect();
    let body = match read_body(&state, &headers, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let keep_sources = fix.is_none() && output.shows_field_values();
    let key = generation.key(&select, &ignore, as_of, keep_sources);
    let ruleset = match ruleset_for(&generation, key).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let filter = request_filter(&generation, &select, &ignore);
    let shown = upload_name(query.name.as_deref(), format_name);
    let shown_name = shown.clone();
    let worker = state.clone();
    let result = tokio::task::spawn_blocking(move || -> io::Result<Answer> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join(format!("upload.{format_name}"));
        std::fs::File::create(&path)?.write_all(&body)?;
        let plan = CheckPlan {
            // Findings name the upload as the client named it, and are
            // fingerprinted and matched by `per_path_ignores` under that
            // name, as `check NAME` would.
            inputs: vec![Input::Named {
                path: path.clone(),
                name: shown,
            }],
            read: ReadOptions {
                format: Some(format),
                profile,
                text_fields: ruleset.scan_fields.iter().cloned().collect(),
                place_values: output.points_at_columns(),
                ..ReadOptions::default()
            },
            filter,
            history_problems: Vec::new(),
            progress: false,
            // The calling thread is a blocking task's: it writes, the
            // worker's pool checks.
            caller_checks: false,
        };
        if let Some(unsafe_fixes) = fix {
            return fix_upload(
                &ruleset,
                &generation,
                &plan,
                &worker.pool,
                &body,
                unsafe_fixes,
            );
        }
        drop(body);
        let rules = RuleInfo::of_ruleset(&ruleset);
        let options = ReportOptions {
            language: Language::of_messages(
                ruleset
                    .rules
                    .iter()
                    .map(|r| r.message.literal_text().collect::<String>()),
            ),
            rules,
            fail_threshold: generation.settings.fail_on.threshold(),
            config: generation.settings.config.as_ref().map(|c| c.path.clone()),
            ..ReportOptions::default()
        };
        let mut out = Vec::new();
        {
            let mut report = reporter(output, Box::new(&mut out), options)?;
            let mut gate = generation.gate(ruleset.settings.as_of);
            run_check(&ruleset, &plan, &worker.pool, &mut gate, &mut *report)
                .map_err(|e| io::Error::other(e.to_string()))?;
        }
        Ok(Answer::Report(out))
    })
    .await;
    match result {
        Ok(Ok(Answer::Fixed(fixed))) => fixed_response(fixed, &shown_name),
        Ok(Ok(Answer::Refused(why))) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("the file cannot be fixed: {why}; its report (without fix=true) lists what to change"),
        ),
        Ok(Ok(Answer::Report(bytes))) => {
            let mut response = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, HeaderValue::from_static(media_type))],
                bytes,
            )
                .into_response();
            if output == OutputFormat::Xlsx || output == OutputFormat::Html {
                let disposition = format!("attachment; filename=\"listlint-report.{output_name}\"");
                if let Ok(v) = HeaderValue::from_str(&disposition) {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_DISPOSITION, v);
                }
            }
            response
        }
        Ok(Err(e)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the check failed: {e}"),
        ),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the check failed"),
    }
}

/// What `/v1/check/file` answers: a report, a fixed file, or why the
/// file cannot be fixed.
enum Answer {
    Report(Vec<u8>),
    Fixed(Fixed),
    Refused(String),
}

/// `fix` and `unsafe_fixes`: `Some(unsafe_fixes)` when the corrected file
/// is asked for; a 400 when they do not go together with the query.
fn fix_wanted(query: &FileQuery) -> Result<Option<bool>, Response> {
    let unsafe_fixes = query.unsafe_fixes.unwrap_or(false);
    if query.fix != Some(true) {
        if query.unsafe_fixes.is_some() {
            return Err(bad_request("`unsafe_fixes` goes with `fix=true`"));
        }
        return Ok(None);
    }
    if let Some(output) = &query.output {
        return Err(bad_request(format!(
            "`fix=true` answers the corrected file, not a report: leave out `output={output}` (or `fix`)"
        )));
    }
    Ok(Some(unsafe_fixes))
}

/// Keeps the findings of a check that a fix can apply.
#[derive(Default)]
struct Fixable {
    findings: Vec<Finding>,
}

impl Reporter for Fixable {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        self.findings
            .extend(findings.iter().filter(|f| is_fixable(f)).cloned());
        Ok(())
    }

    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// `fix=true`: checks the upload as `check --fix` does (waivers and
/// ignores applied) and applies the fixes to its bytes, in its own
/// format and encoding.
fn fix_upload(
    ruleset: &Ruleset,
    generation: &Generation,
    plan: &CheckPlan,
    pool: &rayon::ThreadPool,
    bytes: &[u8],
    unsafe_fixes: bool,
) -> io::Result<Answer> {
    let mut fixable = Fixable::default();
    let mut gate = generation.gate(ruleset.settings.as_of);
    run_check(ruleset, plan, pool, &mut gate, &mut fixable)
        .map_err(|e| io::Error::other(e.to_string()))?;
    let options = FixOptions {
        unsafe_fixes,
        encoding: plan.read.encoding,
        profile: plan.read.profile.clone(),
    };
    let format = plan.read.format.unwrap_or(InputFormat::Jsonl);
    Ok(
        match fix_input_with(bytes, format, &fixable.findings, ruleset, &options) {
            Ok(fixed) => Answer::Fixed(fixed),
            Err(e) => Answer::Refused(e.to_string()),
        },
    )
}

/// The corrected file, with how many fixes were applied and not applied
/// in headers, as an attachment named as the upload.
fn fixed_response(fixed: Fixed, name: &str) -> Response {
    let applied = fixed.applied();
    let skipped = fixed.skipped().count();
    let unsafe_skipped = fixed
        .skipped()
        .filter(|e| e.skipped == Some(SkipReason::Unsafe))
        .count();
    let mut response = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        )],
        fixed.bytes,
    )
        .into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (FIXES_APPLIED, applied),
        (FIXES_SKIPPED, skipped),
        (FIXES_UNSAFE, unsafe_skipped),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
    if let Ok(v) = HeaderValue::from_str(&attachment(name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The header with the number of fixes applied to a `fix=true` answer.
pub const FIXES_APPLIED: &str = "x-listlint-fixes-applied";
/// The header with the number of fixes not applied (unsafe, overlapping,
/// making a new finding, text not found).
pub const FIXES_SKIPPED: &str = "x-listlint-fixes-skipped";
/// The header with the number of those not applied because the rule marks
/// them unsafe (`unsafe_fixes=true` applies them).
pub const FIXES_UNSAFE: &str = "x-listlint-fixes-unsafe";

/// `Content-Disposition` for a download named `name`: an ASCII
/// `filename` (other characters as `_`) and the UTF-8 `filename*`
/// (RFC 6266).
fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn category_of<'a>(
    pack: &'a listlint_core::pack::LoadedPack,
    rule: &'a listlint_core::pack::schema::RuleDef,
) -> &'a str {
    rule.category
        .as_deref()
        .or(pack.def.category.as_deref())
        .unwrap_or("")
}

/// A rule as `rules list --format json` describes it.
fn rule_row(
    pack: &listlint_core::pack::LoadedPack,
    rule: &listlint_core::pack::schema::RuleDef,
) -> Value {
    json!({
        "id": rule.id.value,
        "pack": pack.def.pack.value,
        "pack_version": pack.def.version,
        "kind": rule.kind.value,
        "category": category_of(pack, rule),
        "severity": rule.severity,
        "enabled": rule.enabled,
        "summary": rule.summary,
        "references": rule.references.iter().map(Reference::title).collect::<Vec<_>>(),
    })
}

/// `GET /v1/rules`: what `rules list --format json` prints.
pub async fn rules(State(state): State<Arc<AppState>>) -> Response {
    let generation = state.engine.current();
    let filter = generation.settings.packs.filter();
    let list: Vec<Value> = generation
        .packs
        .iter()
        .flat_map(|pack| {
            pack.def
                .rules
                .iter()
                .filter(|rule| {
                    filter.enabled(
                        &rule.id.value,
                        category_of(pack, rule),
                        &pack.def.pack.value,
                    )
                })
                .map(move |rule| rule_row(pack, rule))
        })
        .collect();
    (StatusCode::OK, axum::Json(list)).into_response()
}

/// `GET /v1/rules/{id}`: the `rules list` row with what `explain` shows.
pub async fn rule(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let generation = state.engine.current();
    let found = generation.packs.iter().find_map(|p| {
        p.def
            .rules
            .iter()
            .find(|r| r.id.value == id)
            .map(|r| (p, r))
    });
    let Some((pack, rule)) = found else {
        let ids = generation
            .packs
            .iter()
            .flat_map(|p| p.def.rules.iter().map(|r| r.id.value.as_str()));
        let hint = listlint_core::suggest::did_you_mean(&id, ids)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return error(
            StatusCode::NOT_FOUND,
            &format!("no rule `{id}` in the loaded packs{hint}"),
        );
    };
    let mut row = rule_row(pack, rule);
    if let Value::Object(map) = &mut row {
        map.insert("message".into(), json!(rule.message.value));
        map.insert("help".into(), json!(rule.help));
        map.insert("docs".into(), json!(rule.docs));
        map.insert(
            "source".into(),
            json!(format!(
                "{}:{}:{}",
                pack.source.name,
                rule.id.referenced.line(),
                rule.id.referenced.column()
            )),
        );
        map.insert(
            "definition".into(),
            serde_json::to_value(rule).unwrap_or(Value::Null),
        );
    }
    (StatusCode::OK, axum::Json(row)).into_response()
}

/// `GET /healthz`.
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let generation = state.engine.current();
    let last_error = state.engine.last_error();
    let packs: Vec<Value> = generation
        .packs
        .iter()
        .map(|p| {
            json!({
                "name": p.def.pack.value,
                "version": p.def.version,
                "source": p.source.name,
                "builtin": p.source.builtin,
            })
        })
        .collect();
    let body = json!({
        "status": if last_error.is_some() { "degraded" } else { "ok" },
        "version": env!("CARGO_PKG_VERSION"),
        "fingerprint": generation.fingerprint,
        "loaded_at": generation.loaded_at,
        "rules": generation.ruleset.rules.len(),
        "packs": packs,
        "reloads": state.engine.reloads.load(std::sync::atomic::Ordering::Relaxed),
        "reload_failures": state.engine.reload_failures.load(std::sync::atomic::Ordering::Relaxed),
        "last_reload_error": last_error,
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        state.metrics.render(&state.engine),
    )
        .into_response()
}

/// `GET /openapi.json`.
pub async fn openapi() -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        crate::OPENAPI,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_names_lose_folders_and_control_characters() {
        assert_eq!(upload_name(Some("../../etc/passwd"), "csv"), "passwd");
        assert_eq!(upload_name(Some("C:\\x\\商品.xlsx"), "xlsx"), "商品.xlsx");
        assert_eq!(upload_name(Some("a\u{1b}[31mb.csv"), "csv"), "a[31mb.csv");
        assert_eq!(upload_name(None, "tsv"), "upload.tsv");
        assert_eq!(upload_name(Some("dir/"), "tsv"), "upload.tsv");
    }

    #[test]
    fn attachments_name_the_file_in_ascii_and_in_utf8() {
        assert_eq!(
            attachment("导出 1.csv"),
            "attachment; filename=\"__ 1.csv\"; filename*=UTF-8''%E5%AF%BC%E5%87%BA%201.csv"
        );
        assert_eq!(
            attachment("a\"b\\c.tsv"),
            "attachment; filename=\"a_b_c.tsv\"; filename*=UTF-8''a%22b%5Cc.tsv"
        );
    }
}
