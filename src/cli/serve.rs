//! `listlint serve`: the HTTP service of `listlint-serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::Args;
use listlint_core::config;
use listlint_core::date::Date;
use listlint_core::listing::profile::PROFILE_NAMES;
use listlint_core::settings::Overrides;
use listlint_serve::{LoadSpec, ServeOptions};

use super::rules::PackArgs;
use crate::exit::ExitStatus;

/// Arguments of `listlint serve`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  listlint serve\n  \
    listlint serve --rules company-packs/ --config listlint.yaml\n  \
    listlint serve --addr 0.0.0.0:8787 --token-file /etc/listlint/token\n  \
    curl -s localhost:8787/v1/check -d '{\"id\":\"SKU-1\",\"title\":\"全网最好的蚕丝被\"}'\n\n\
    Pack files and the config are reloaded when they change (and on SIGHUP);\n\
    SIGTERM or Ctrl-C stops the server once requests in flight are answered.\n\
    See docs/serve.md.")]
pub struct ServeArgs {
    /// Address to listen on. Anything but a loopback address needs
    /// --token-file (or --insecure-no-auth).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,

    #[command(flatten)]
    pub packs: PackArgs,

    /// Use this config file instead of the nearest `listlint.yaml` upwards
    /// from the working directory (its changes are reloaded too).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Field-mapping profile of listings and uploaded files (a request's
    /// `profile` overrides it for files).
    #[arg(long, value_name = "NAME", value_parser = PossibleValuesParser::new(PROFILE_NAMES))]
    pub profile: Option<String>,

    /// Map an input header to a field: `--map title=商品名` (repeatable).
    #[arg(long = "map", value_name = "FIELD=HEADER", value_parser = super::check::parse_map)]
    pub maps: Vec<(String, String)>,

    /// The date time-based checks treat as today (YYYY-MM-DD; default:
    /// the day of each request, UTC; a request's `as_of` wins).
    #[arg(long, value_name = "DATE", value_parser = super::check::parse_date)]
    pub as_of: Option<Date>,

    /// The most bytes a request body may have (413 above); K, M, G
    /// suffixes.
    #[arg(long, value_name = "BYTES", default_value = "10M", value_parser = super::rules::parse_size)]
    pub max_body: u64,

    /// The most listings one `POST /v1/check` may hold (413 above).
    #[arg(long, value_name = "N", default_value_t = listlint_serve::DEFAULT_MAX_LISTINGS)]
    pub max_listings: usize,

    /// The longest a request may take, in seconds (fractions allowed);
    /// slower ones are answered 504.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    pub timeout: Duration,

    /// Requests handled at once; more are answered 503 with `Retry-After`
    /// (`/healthz` and `/metrics` are not counted).
    #[arg(long, value_name = "N", default_value_t = listlint_serve::DEFAULT_MAX_CONCURRENT, value_parser = clap::value_parser!(usize))]
    pub max_concurrent: usize,

    /// A file holding the bearer token every API request must carry
    /// (`Authorization: Bearer TOKEN`); the page at `/` asks for it.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,

    /// Listen on a non-loopback address without a token.
    #[arg(long)]
    pub insecure_no_auth: bool,

    /// How often pack files and the config are looked at for changes, in
    /// seconds; 0 reloads only on SIGHUP.
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = parse_seconds_or_zero)]
    pub reload_interval: Duration,

    /// No access log (one JSON line per request on standard error).
    #[arg(long)]
    pub no_access_log: bool,
}

fn parse_seconds_or_zero(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("`{text}`: between 0 and 86400 seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let d = parse_seconds_or_zero(text)?;
    if d.is_zero() {
        return Err("must be more than 0 seconds".into());
    }
    Ok(d)
}

/// Runs `listlint serve`.
pub fn run(args: &ServeArgs) -> miette::Result<ExitStatus> {
    if args.max_concurrent == 0 || args.max_listings == 0 {
        miette::bail!("--max-concurrent and --max-listings must be at least 1");
    }
    let token = match &args.token_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| miette::miette!("cannot read --token-file {}: {e}", path.display()))?;
            let token = text.trim().to_owned();
            if token.len() < 16 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                miette::bail!(
                    help = "e.g. `openssl rand -hex 32 > token`",
                    "--token-file {}: the token must be one word of at least 16 characters",
                    path.display()
                );
            }
            Some(token)
        }
        None => None,
    };
    if !args.addr.ip().is_loopback() && token.is_none() && !args.insecure_no_auth {
        miette::bail!(
            help = "give --token-file FILE (clients send `Authorization: Bearer TOKEN`), or --insecure-no-auth behind a proxy that authenticates",
            "--addr {} is not a loopback address: a token is required",
            args.addr
        );
    }
    let config = match &args.config {
        Some(path) => Some(path.clone()),
        None => super::config_from_working_dir(),
    };
    if let Some(path) = &config {
        // A config that does not load stops the start with its diagnostic.
        config::load(path)?;
    }
    let spec = LoadSpec {
        config,
        overrides: Overrides {
            rules: args.packs.rules.clone(),
            no_default_rules: args.packs.no_default_rules,
            select: args.packs.select.clone(),
            ignore: args.packs.ignore.clone(),
            profile: args.profile.clone(),
            maps: args.maps.clone(),
            ..Overrides::default()
        },
        as_of: args.as_of,
    };
    let options = ServeOptions {
        addr: args.addr,
        max_body: usize::try_from(args.max_body).unwrap_or(usize::MAX),
        max_listings: args.max_listings,
        timeout: args.timeout,
        max_concurrent: args.max_concurrent,
        token,
        reload_interval: (!args.reload_interval.is_zero()).then_some(args.reload_interval),
        access_log: !args.no_access_log,
    };
    listlint_serve::serve(spec, options, |addr| {
        eprintln!(
            "{}",
            serde_json::json!({"event": "listening", "url": format!("http://{addr}")})
        );
    })?;
    Ok(ExitStatus::Success)
}
