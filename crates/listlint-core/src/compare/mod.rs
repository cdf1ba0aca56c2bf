//! Comparing one product across channel exports (`listlint compare`): the
//! listings of each channel joined by a key, and per key and field the
//! values that disagree reported as `consistency/<field>` findings, with
//! every channel's value, file and line in the message.
//!
//! No file is read here: a front end (`listlint-io::compare`) reads each
//! channel's exports and hands their listings to [`Join::add`]; then
//! [`Join::compare`] yields the findings in key order, a batch at a time.
//!
//! **Memory.** A join cannot stream: the last listing of one channel may be
//! the key of the first of another. What is held is the least that a
//! comparison needs: each distinct key once (shared by the channels), each
//! distinct compared value once (brands, origins and specifications repeat
//! across listings and channels), and per channel and listing a row of 32
//! bytes with its file, line and record and, per compared field it has, a
//! field number and value number (8 bytes). Other fields (titles,
//! descriptions) are never kept.

pub mod canon;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Deserialize;

pub use canon::Comparison;

use crate::date::Date;
use crate::listing::Listing;
use crate::model::{Finding, Identity, Origin, RuleRef, Severity};
use crate::money::{parse_price, Money};

/// Pack and category of compare findings.
pub const CATEGORY: &str = "consistency";
/// Rule id of a key missing on some channels (`--missing`).
pub const MISSING_RULE: &str = "consistency/missing";
/// Rule id of current prices that differ across channels.
pub const PRICE_RULE: &str = "consistency/price";
/// Rule id of a struck-through price above every channel's regular price.
pub const ORIGINAL_PRICE_RULE: &str = "consistency/original_price";

/// `compare:` in `listlint.yaml` (docs/compare.md).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareDef {
    /// The field that joins listings (`--key` wins).
    #[serde(default)]
    pub key: Option<String>,
    /// The key field of a channel whose exports name it otherwise
    /// (channel → field or header; `--key-map` adds).
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    /// Keep the default fields (brand, `cert.*`, origin, specification,
    /// net content, material, ingredients) besides `fields` (default
    /// true). A default field named in `fields` keeps its default aliases
    /// either way.
    #[serde(default)]
    pub default_fields: Option<bool>,
    /// Fields compared, and how: `origin: exact`, or a map with
    /// `compare`, `aliases`, `channels` and `severity`. A field name
    /// ending in `.*` covers every field with that prefix (`cert.*`).
    #[serde(default)]
    pub fields: BTreeMap<String, FieldDef>,
    /// The price comparisons.
    #[serde(default)]
    pub prices: PricesDef,
}

/// One entry of `compare.fields`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FieldDef {
    /// Just the comparison: `origin: exact`.
    Comparison(Comparison),
    /// Comparison, aliases and severity.
    Full(FieldSpecDef),
}

/// The long form of a `compare.fields` entry.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpecDef {
    /// How values are compared (default `exact`).
    #[serde(default)]
    pub compare: Option<Comparison>,
    /// Headers that mean this field in every channel's exports.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The header that means this field in one channel (channel → header).
    #[serde(default)]
    pub channels: BTreeMap<String, String>,
    /// Severity of a disagreement (default warning).
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// `compare.prices`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricesDef {
    /// Compare prices at all (default true).
    #[serde(default)]
    pub check: Option<bool>,
    /// Current prices that differ by at most this many yuan agree
    /// (default 0).
    #[serde(default)]
    pub tolerance_yuan: Option<f64>,
    /// … or by at most this percentage of the lower one (default 0).
    #[serde(default)]
    pub tolerance_percent: Option<f64>,
}

/// One compared field, resolved.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// The field name, or a prefix pattern ending in `.*`.
    pub name: String,
    /// How its values are compared.
    pub comparison: Comparison,
    /// Headers meaning it in every channel.
    pub aliases: Vec<String>,
    /// Headers meaning it in one channel.
    pub channels: BTreeMap<String, String>,
    /// Severity of a disagreement.
    pub severity: Severity,
}

impl FieldSpec {
    fn new(name: &str, comparison: Comparison, aliases: &[&str]) -> Self {
        Self {
            name: name.to_owned(),
            comparison,
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            channels: BTreeMap::new(),
            severity: Severity::Warning,
        }
    }

    /// Whether the spec covers field `name`.
    pub fn covers(&self, name: &str) -> bool {
        match self.name.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix) && name.len() > prefix.len(),
            None => self.name == name,
        }
    }
}

/// The fields compared when the config does not say otherwise.
pub fn default_fields() -> Vec<FieldSpec> {
    vec![
        FieldSpec::new("brand", Comparison::Exact, &[]),
        FieldSpec::new("cert.*", Comparison::Exact, &[]),
        FieldSpec::new(
            "origin",
            Comparison::Exact,
            &[
                "产地",
                "原产地",
                "生产地",
                "原产国",
                "产地国家",
                "country of origin",
            ],
        ),
        FieldSpec::new(
            "specification",
            Comparison::Quantity,
            &["规格", "规格型号", "型号规格", "spec", "specs"],
        ),
        FieldSpec::new(
            "net_content",
            Comparison::Quantity,
            &["净含量", "净重", "net content", "net weight"],
        ),
        FieldSpec::new("material", Comparison::Exact, &["材质", "面料", "材料"]),
        FieldSpec::new(
            "ingredients",
            Comparison::Set,
            &["配料", "配料表", "成分", "全成分", "成分表"],
        ),
    ]
}

/// How prices are compared, resolved.
#[derive(Debug, Clone, Copy)]
pub struct PriceSettings {
    /// Whether they are.
    pub check: bool,
    /// Absolute tolerance.
    pub tolerance: Money,
    /// Relative tolerance, percent of the lower price.
    pub tolerance_percent: f64,
}

/// Everything a comparison needs besides the listings.
#[derive(Debug, Clone)]
pub struct CompareSettings {
    /// Compared fields, in order; a field takes the first that covers it.
    pub fields: Vec<FieldSpec>,
    /// The default key field.
    pub key: String,
    /// Key fields per channel.
    pub channel_keys: BTreeMap<String, String>,
    /// Prices.
    pub prices: PriceSettings,
    /// Report keys missing on some channels as findings (`--missing`).
    pub report_missing: bool,
    /// The day promotion windows are judged on.
    pub as_of: Date,
    /// Severity overrides by rule id (the config's `severity:`).
    pub severities: Vec<(String, Severity)>,
}

/// Why `compare:` cannot be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CompareError {
    /// A tolerance is negative or not a number.
    #[error("compare.prices.{key}: `{value}` is not a tolerance (a number ≥ 0)")]
    Tolerance {
        /// Which one.
        key: &'static str,
        /// What it says.
        value: f64,
    },
    /// A field name is empty.
    #[error("compare.fields: a field name is empty")]
    EmptyField,
}

impl CompareSettings {
    /// Resolves the config's `compare:` with the command line's key and
    /// key map (which win).
    pub fn resolve(
        def: &CompareDef,
        key: Option<String>,
        key_map: &[(String, String)],
        as_of: Date,
    ) -> Result<Self, CompareError> {
        let mut fields: Vec<FieldSpec> = Vec::new();
        for (name, field) in &def.fields {
            if name.trim().is_empty() {
                return Err(CompareError::EmptyField);
            }
            let spec = match field {
                FieldDef::Comparison(c) => FieldSpec::new(name, *c, &[]),
                FieldDef::Full(full) => FieldSpec {
                    name: name.clone(),
                    comparison: full.compare.unwrap_or(Comparison::Exact),
                    aliases: full.aliases.clone(),
                    channels: full.channels.clone(),
                    severity: full.severity.unwrap_or(Severity::Warning),
                },
            };
            fields.push(spec);
        }
        for default in default_fields() {
            match fields.iter_mut().find(|f| f.name == default.name) {
                // A configured default field keeps the default aliases.
                Some(own) => {
                    for alias in default.aliases {
                        if !own.aliases.contains(&alias) {
                            own.aliases.push(alias);
                        }
                    }
                }
                None if def.default_fields.unwrap_or(true) => fields.push(default),
                None => {}
            }
        }
        // Exact names before prefixes, so `cert.ccc: ignore` beats `cert.*`.
        fields.sort_by_key(|f| f.name.ends_with('*'));
        let tolerance = |key: &'static str, value: Option<f64>| match value {
            None => Ok(0.0),
            Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
            Some(value) => Err(CompareError::Tolerance { key, value }),
        };
        let mut channel_keys = def.keys.clone();
        channel_keys.extend(key_map.iter().cloned());
        Ok(Self {
            fields,
            key: key
                .or_else(|| def.key.clone())
                .unwrap_or_else(|| "id".to_owned()),
            channel_keys,
            prices: PriceSettings {
                check: def.prices.check.unwrap_or(true),
                tolerance: Money::from_yuan(tolerance(
                    "tolerance_yuan",
                    def.prices.tolerance_yuan,
                )?),
                tolerance_percent: tolerance("tolerance_percent", def.prices.tolerance_percent)?,
            },
            report_missing: false,
            as_of,
            severities: Vec::new(),
        })
    }

    /// The key field of a channel (before any header mapping).
    pub fn key_for(&self, channel: &str) -> &str {
        self.channel_keys
            .get(channel)
            .map_or(self.key.as_str(), String::as_str)
    }

    /// The headers that mean a compared field in a channel's exports:
    /// (field, header), the channel's own after the shared ones.
    pub fn headers_for(&self, channel: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for spec in self.fields.iter().filter(|f| !f.name.ends_with('*')) {
            for alias in &spec.aliases {
                out.push((spec.name.clone(), alias.clone()));
            }
        }
        for spec in self.fields.iter().filter(|f| !f.name.ends_with('*')) {
            if let Some(header) = spec.channels.get(channel) {
                out.push((spec.name.clone(), header.clone()));
            }
        }
        out
    }

    fn severity(&self, rule: &str, default: Severity) -> Severity {
        self.severities
            .iter()
            .rev()
            .find(|(id, _)| id == rule)
            .map_or(default, |(_, s)| *s)
    }
}

/// A channel: its name and the field its listings are keyed by.
#[derive(Debug, Clone)]
pub struct ChannelSpec {
    /// As findings name it (天猫, `tmall.csv`).
    pub name: String,
    /// The field holding the key, after header mapping.
    pub key_field: String,
}

/// What [`Join::add`] did with a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Stored.
    Stored,
    /// Its key was seen before in this channel: the first one is compared.
    Duplicate,
    /// It has no (non-blank) key.
    NoKey,
}

/// One listing of one channel as the join keeps it.
#[derive(Debug, Clone, Copy)]
struct Row {
    line: u64,
    record: u64,
    file: u32,
    cells_start: u32,
    cells_len: u32,
}

#[derive(Debug)]
struct Channel {
    spec: ChannelSpec,
    files: Vec<Arc<str>>,
    rows: Vec<Row>,
    /// Row number + 1 per key number (0: the channel lacks the key).
    by_key: Vec<u32>,
    /// (field number, value number) per row, rows one after another.
    cells: Vec<(u32, u32)>,
}

/// What a field number stands for.
#[derive(Debug, Clone)]
enum Role {
    /// A compared field, with its spec's index.
    Compared(usize),
    /// `price`, `original_price`, `promo_start`, `promo_end`.
    Price(PriceField),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PriceField {
    Price,
    Original,
    PromoStart,
    PromoEnd,
}

/// The listings of every channel, joined by key.
#[derive(Debug)]
pub struct Join {
    settings: Arc<CompareSettings>,
    channels: Vec<Channel>,
    keys: HashMap<Box<str>, u32>,
    values: Vec<Arc<str>>,
    value_ids: HashMap<Arc<str>, u32>,
    fields: Vec<(Arc<str>, Role)>,
    field_ids: HashMap<Arc<str>, Option<u32>>,
}

/// Distinct field names remembered; a JSON export with ever new keys
/// looks the rest up every time.
const FIELD_CACHE_LIMIT: usize = 4096;

/// Counts of a comparison, for the note at the end.
#[derive(Debug, Clone, Default)]
pub struct CompareStats {
    /// Distinct keys.
    pub keys: u64,
    /// Keys every channel has.
    pub on_every_channel: u64,
    /// Per channel: keys the other channels have and it lacks, and up to
    /// [`MISSING_SHOWN`] of them.
    pub missing: Vec<(u64, Vec<String>)>,
}

/// How many missing keys per channel [`CompareStats`] names.
pub const MISSING_SHOWN: usize = 10;

/// Most characters of a value a message quotes.
const QUOTED_CHARS: usize = 60;

impl Join {
    /// An empty join of `channels` (in the order findings list them).
    pub fn new(settings: Arc<CompareSettings>, channels: Vec<ChannelSpec>) -> Self {
        Self {
            settings,
            channels: channels
                .into_iter()
                .map(|spec| Channel {
                    spec,
                    files: Vec::new(),
                    rows: Vec::new(),
                    by_key: Vec::new(),
                    cells: Vec::new(),
                })
                .collect(),
            keys: HashMap::new(),
            values: Vec::new(),
            value_ids: HashMap::new(),
            fields: Vec::new(),
            field_ids: HashMap::new(),
        }
    }

    /// The channels' names, in order.
    pub fn channel_names(&self) -> Vec<&str> {
        self.channels.iter().map(|c| c.spec.name.as_str()).collect()
    }

    fn field_id(&mut self, name: &Arc<str>) -> Option<u32> {
        if let Some(id) = self.field_ids.get(name) {
            return *id;
        }
        let role = match &**name {
            "price" => Some(Role::Price(PriceField::Price)),
            "original_price" => Some(Role::Price(PriceField::Original)),
            "promo_start" => Some(Role::Price(PriceField::PromoStart)),
            "promo_end" => Some(Role::Price(PriceField::PromoEnd)),
            _ => None,
        }
        .filter(|_| self.settings.prices.check)
        .or_else(|| {
            let index = self.settings.fields.iter().position(|f| f.covers(name))?;
            (self.settings.fields[index].comparison != Comparison::Ignore)
                .then_some(Role::Compared(index))
        });
        let id = role.map(|role| {
            self.fields.push((name.clone(), role));
            (self.fields.len() - 1) as u32
        });
        if self.field_ids.len() < FIELD_CACHE_LIMIT || id.is_some() {
            self.field_ids.insert(name.clone(), id);
        }
        id
    }

    fn value_id(&mut self, value: &str) -> u32 {
        if let Some(id) = self.value_ids.get(value) {
            return *id;
        }
        let shared: Arc<str> = Arc::from(value);
        let id = self.values.len() as u32;
        self.values.push(shared.clone());
        self.value_ids.insert(shared, id);
        id
    }

    /// Adds a listing of channel `channel` (an index into the channels
    /// given to [`Join::new`]).
    pub fn add(&mut self, channel: usize, listing: &Listing) -> Added {
        let key_field = self.channels[channel].spec.key_field.clone();
        let Some(key) = listing
            .get(&key_field)
            .map(str::trim)
            .filter(|k| !k.is_empty())
        else {
            return Added::NoKey;
        };
        let next = self.keys.len() as u32;
        let key_id = *self.keys.entry(Box::from(key)).or_insert(next);
        let known = self.channels[channel]
            .by_key
            .get(key_id as usize)
            .is_some_and(|&row| row != 0);
        if known {
            return Added::Duplicate;
        }
        let mut cells = Vec::new();
        for (name, value) in &listing.fields {
            if value.trim().is_empty() {
                continue;
            }
            if let Some(field) = self.field_id(name) {
                if cells.iter().any(|&(f, _)| f == field) {
                    continue;
                }
                let value = self.value_id(value.trim());
                cells.push((field, value));
            }
        }
        let files_len = self.channels[channel].files.len();
        let c = &mut self.channels[channel];
        let file = match c.files.last() {
            Some(last) if Arc::ptr_eq(last, &listing.file) || **last == *listing.file => {
                files_len - 1
            }
            _ => {
                c.files.push(listing.file.clone());
                files_len
            }
        };
        let row = Row {
            line: listing.line,
            record: listing.record,
            file: file as u32,
            cells_start: c.cells.len() as u32,
            cells_len: cells.len() as u32,
        };
        c.cells.extend(cells);
        c.rows.push(row);
        if c.by_key.len() <= key_id as usize {
            c.by_key.resize(key_id as usize + 1, 0);
        }
        c.by_key[key_id as usize] = c.rows.len() as u32;
        Added::Stored
    }

    /// Compares every key, in key order, handing the findings of each
    /// `batch` keys to `emit`.
    pub fn compare<E>(
        &self,
        batch: usize,
        mut emit: impl FnMut(Vec<Finding>) -> Result<(), E>,
    ) -> Result<CompareStats, E> {
        let mut keys: Vec<(&str, u32)> = self.keys.iter().map(|(k, &id)| (&**k, id)).collect();
        keys.sort_unstable();
        let mut stats = CompareStats {
            keys: keys.len() as u64,
            missing: vec![(0, Vec::new()); self.channels.len()],
            ..CompareStats::default()
        };
        let rules = self.rules();
        let mut findings = Vec::new();
        for (n, &(key, key_id)) in keys.iter().enumerate() {
            let rows: Vec<Option<&Row>> = self
                .channels
                .iter()
                .map(|c| match c.by_key.get(key_id as usize) {
                    Some(&r) if r != 0 => Some(&c.rows[r as usize - 1]),
                    _ => None,
                })
                .collect();
            let present = rows.iter().filter(|r| r.is_some()).count();
            if present == self.channels.len() {
                stats.on_every_channel += 1;
            } else {
                for (i, row) in rows.iter().enumerate() {
                    if row.is_none() {
                        let (count, shown) = &mut stats.missing[i];
                        *count += 1;
                        if shown.len() < MISSING_SHOWN {
                            shown.push(key.to_owned());
                        }
                    }
                }
                if self.settings.report_missing {
                    findings.push(self.missing_finding(&rules, key, &rows));
                }
            }
            if present > 1 {
                self.compare_key(&rules, key, &rows, &mut findings);
            }
            if (n + 1) % batch.max(1) == 0 && !findings.is_empty() {
                emit(std::mem::take(&mut findings))?;
            }
        }
        if !findings.is_empty() {
            emit(findings)?;
        }
        Ok(stats)
    }

    /// A rule reference per field number, and the fixed ones.
    fn rules(&self) -> Rules {
        let rule = |id: String, severity: Severity, help: &str| RuleRef {
            severity: self.settings.severity(&id, severity),
            rule: Arc::from(id),
            pack: Arc::from(CATEGORY),
            category: Arc::from(CATEGORY),
            help: Some(Arc::from(help)),
        };
        Rules {
            fields: self
                .fields
                .iter()
                .map(|(name, role)| match role {
                    Role::Compared(spec) => Some(rule(
                        format!("{CATEGORY}/{name}"),
                        self.settings.fields[*spec].severity,
                        "同一商品在各渠道展示的核心信息应当一致：核对后统一各渠道的商品资料；确属不同的字段可在 listlint.yaml 的 compare.fields 中设为 ignore",
                    )),
                    Role::Price(_) => None,
                })
                .collect(),
            price: rule(
                PRICE_RULE.to_owned(),
                Severity::Info,
                "线上价格应执行统一的价格体系：核对各渠道现价差异是否经过批准（活动期间的价格已排除）",
            ),
            original: rule(
                ORIGINAL_PRICE_RULE.to_owned(),
                Severity::Warning,
                "划线价应是真实成交过的价格：不高于任一渠道的常规售价，或标明其依据（如厂商建议零售价）",
            ),
            missing: rule(
                MISSING_RULE.to_owned(),
                Severity::Info,
                "核对该商品是否应在所有渠道上架，或各渠道的商家编码是否一致",
            ),
        }
    }

    fn place(&self, channel: usize, row: &Row) -> String {
        format!(
            "{}:{}",
            self.channels[channel].files[row.file as usize], row.line
        )
    }

    fn origin<'k>(&self, channel: usize, row: &Row, key: &'k str) -> Origin<'k> {
        Origin {
            file: self.channels[channel].files[row.file as usize].clone(),
            line: row.line,
            record: row.record,
            listing_id: Some(key.to_owned()),
            key,
        }
    }

    fn cells(&self, channel: usize, row: &Row) -> &[(u32, u32)] {
        let start = row.cells_start as usize;
        &self.channels[channel].cells[start..start + row.cells_len as usize]
    }

    fn missing_finding(&self, rules: &Rules, key: &str, rows: &[Option<&Row>]) -> Finding {
        let (first, row) = rows
            .iter()
            .enumerate()
            .find_map(|(i, r)| r.map(|r| (i, r)))
            .expect("a key has a listing");
        let names = |present: bool| -> Vec<String> {
            rows.iter()
                .enumerate()
                .filter(|(_, r)| r.is_some() == present)
                .map(|(i, r)| match r {
                    Some(row) => format!("{} ({})", self.channels[i].spec.name, self.place(i, row)),
                    None => self.channels[i].spec.name.clone(),
                })
                .collect()
        };
        let missing = names(false).join("、");
        let message = format!(
            "商品 {key} 只在 {} 上架，{missing} 没有",
            names(true).join("、")
        );
        Finding::identified_by(
            rules.missing.clone(),
            self.origin(first, row, key),
            None,
            Identity {
                field: None,
                text: &missing,
            },
            message,
        )
    }

    fn compare_key(&self, rules: &Rules, key: &str, rows: &[Option<&Row>], out: &mut Vec<Finding>) {
        // Field number → each channel's value number.
        let mut by_field: BTreeMap<u32, Vec<(usize, u32)>> = BTreeMap::new();
        for (channel, row) in rows.iter().enumerate() {
            let Some(row) = row else { continue };
            for &(field, value) in self.cells(channel, row) {
                by_field.entry(field).or_default().push((channel, value));
            }
        }
        let mut findings: Vec<(Arc<str>, Finding)> = Vec::new();
        for (&field, values) in &by_field {
            let (name, role) = &self.fields[field as usize];
            let Role::Compared(spec) = role else { continue };
            if values.len() < 2 {
                continue;
            }
            let comparison = self.settings.fields[*spec].comparison;
            if values.iter().all(|&(_, v)| v == values[0].1) {
                continue;
            }
            let mut forms: Vec<Option<String>> = values
                .iter()
                .map(|&(_, v)| comparison.canonical(&self.values[v as usize]))
                .collect();
            let compared: Vec<&String> = forms.iter().flatten().collect();
            if compared.windows(2).all(|w| w[0] == w[1]) {
                continue;
            }
            let (first, _) = values[0];
            let row = rows[first].expect("a value comes from a listing");
            let sides: Vec<String> = values
                .iter()
                .map(|&(c, v)| {
                    let row = rows[c].expect("a value comes from a listing");
                    format!(
                        "{}「{}」({})",
                        self.channels[c].spec.name,
                        quote(&self.values[v as usize]),
                        self.place(c, row)
                    )
                })
                .collect();
            let how = match comparison {
                Comparison::Exact => "",
                Comparison::Quantity => "（按数量和单位比较）",
                Comparison::Set => "（按集合比较，不计顺序）",
                Comparison::Ignore => "",
            };
            let message = format!("{name} 各渠道不一致{how}：{}", sides.join("；"));
            forms.sort();
            forms.dedup();
            let identity: Vec<String> = forms.into_iter().flatten().collect();
            let identity = identity.join("|");
            let rule = rules.fields[field as usize]
                .clone()
                .expect("a compared field");
            findings.push((
                name.clone(),
                Finding::identified_by(
                    rule,
                    self.origin(first, row, key),
                    Some(name.clone()),
                    Identity {
                        field: Some(name),
                        text: &identity,
                    },
                    message,
                ),
            ));
        }
        if self.settings.prices.check {
            findings.extend(
                self.compare_prices(rules, key, rows, &by_field)
                    .into_iter()
                    .map(|f| (f.field.clone().unwrap_or_else(|| Arc::from("")), f)),
            );
        }
        findings.sort_by(|a, b| a.0.cmp(&b.0));
        out.extend(findings.into_iter().map(|(_, f)| f));
    }

    fn compare_prices(
        &self,
        rules: &Rules,
        key: &str,
        rows: &[Option<&Row>],
        by_field: &BTreeMap<u32, Vec<(usize, u32)>>,
    ) -> Vec<Finding> {
        // Per channel: price, original price, whether a promotion runs.
        let mut prices: Vec<ChannelPrice> = vec![ChannelPrice::default(); rows.len()];
        let mut window: Vec<(Option<Date>, Option<Date>)> = vec![(None, None); rows.len()];
        for (&field, values) in by_field {
            let Role::Price(which) = self.fields[field as usize].1 else {
                continue;
            };
            for &(c, v) in values {
                let text = &self.values[v as usize];
                match which {
                    PriceField::Price => prices[c].price = amount(text),
                    PriceField::Original => prices[c].original = amount(text),
                    PriceField::PromoStart => window[c].0 = Date::parse(text),
                    PriceField::PromoEnd => window[c].1 = Date::parse(text),
                }
            }
        }
        let as_of = self.settings.as_of;
        for (p, (start, end)) in prices.iter_mut().zip(&window) {
            p.promo = (start.is_some() || end.is_some())
                && start.is_none_or(|s| s <= as_of)
                && end.is_none_or(|e| as_of <= e);
        }
        let mut out = Vec::new();
        let regular: Vec<(usize, Money)> = prices
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.promo)
            .filter_map(|(c, p)| p.price.map(|m| (c, m)))
            .collect();
        let tolerance = |low: Money| {
            let percent = (low.0 as f64 * self.settings.prices.tolerance_percent / 100.0).round();
            self.settings.prices.tolerance.0.max(percent as i64)
        };
        let describe = |c: usize, m: Money, promo: bool| {
            let row = rows[c].expect("a price comes from a listing");
            format!(
                "{} {m}{} ({})",
                self.channels[c].spec.name,
                if promo {
                    " 活动期间，未比较"
                } else {
                    ""
                },
                self.place(c, row)
            )
        };
        if regular.len() > 1 {
            let low = regular.iter().map(|r| r.1).min().expect("not empty");
            let high = regular.iter().map(|r| r.1).max().expect("not empty");
            if high.0 - low.0 > tolerance(low) {
                let sides: Vec<String> = prices
                    .iter()
                    .enumerate()
                    .filter_map(|(c, p)| p.price.map(|m| describe(c, m, p.promo)))
                    .collect();
                let (first, _) = regular[0];
                let row = rows[first].expect("a price comes from a listing");
                let text = format!("{low}..{high}");
                out.push(Finding::identified_by(
                    rules.price.clone(),
                    self.origin(first, row, key),
                    Some(Arc::from("price")),
                    Identity {
                        field: Some("price"),
                        text: &text,
                    },
                    format!(
                        "现价各渠道不同（相差 {}，超出容差）：{}",
                        Money(high.0 - low.0),
                        sides.join("；")
                    ),
                ));
            }
        }
        for (c, p) in prices.iter().enumerate() {
            let Some(original) = p.original else { continue };
            let others: Vec<(usize, Money)> =
                regular.iter().copied().filter(|&(o, _)| o != c).collect();
            if others.is_empty() {
                continue;
            }
            let highest = regular.iter().map(|r| r.1).max().expect("not empty");
            if original.0 - highest.0 <= tolerance(highest) {
                continue;
            }
            let row = rows[c].expect("a price comes from a listing");
            let sides: Vec<String> = regular
                .iter()
                .map(|&(o, m)| describe(o, m, false))
                .collect();
            let text = original.to_string();
            out.push(Finding::identified_by(
                rules.original.clone(),
                self.origin(c, row, key),
                Some(Arc::from("original_price")),
                Identity {
                    field: Some("original_price"),
                    text: &text,
                },
                format!(
                    "{} 的划线价 {original} ({}) 高于所有渠道的常规现价（{}），不是任何渠道的真实售价",
                    self.channels[c].spec.name,
                    self.place(c, row),
                    sides.join("；")
                ),
            ));
        }
        out
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct ChannelPrice {
    price: Option<Money>,
    original: Option<Money>,
    promo: bool,
}

struct Rules {
    fields: Vec<Option<RuleRef>>,
    price: RuleRef,
    original: RuleRef,
    missing: RuleRef,
}

/// A price field's amount (a range's low end); `None` if it has none.
fn amount(text: &str) -> Option<Money> {
    parse_price(text).ok().and_then(|p| p.amount())
}

/// A value as a message quotes it: at most [`QUOTED_CHARS`] characters.
fn quote(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(QUOTED_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Arc<CompareSettings> {
        Arc::new(
            CompareSettings::resolve(
                &CompareDef::default(),
                Some("id".into()),
                &[],
                Date::new(2026, 12, 1).unwrap(),
            )
            .unwrap(),
        )
    }

    fn listing(file: &str, line: u64, fields: &[(&str, &str)]) -> Listing {
        let mut l = Listing::new(file);
        l.line = line;
        for (k, v) in fields {
            l = l.with_field(k, *v);
        }
        l
    }

    fn run(join: &Join) -> Vec<Finding> {
        let mut all = Vec::new();
        join.compare(2, |batch| -> Result<(), ()> {
            all.extend(batch);
            Ok(())
        })
        .unwrap();
        all
    }

    #[test]
    fn disagreements_name_every_side_and_forms_agree() {
        let channels = ["a", "b"]
            .iter()
            .map(|n| ChannelSpec {
                name: (*n).into(),
                key_field: "id".into(),
            })
            .collect();
        let mut join = Join::new(settings(), channels);
        join.add(
            0,
            &listing(
                "a.csv",
                2,
                &[
                    ("id", "K1"),
                    ("brand", "ＡＢＣ"),
                    ("net_content", "500ml"),
                    ("origin", "浙江"),
                ],
            ),
        );
        join.add(
            1,
            &listing(
                "b.csv",
                7,
                &[
                    ("id", "K1"),
                    ("brand", "abc"),
                    ("net_content", "0.5L"),
                    ("origin", "江苏"),
                ],
            ),
        );
        assert_eq!(
            join.add(1, &listing("b.csv", 9, &[("id", "K1")])),
            Added::Duplicate
        );
        assert_eq!(
            join.add(1, &listing("b.csv", 9, &[("id", " ")])),
            Added::NoKey
        );
        let findings = run(&join);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(&*findings[0].rule, "consistency/origin");
        assert!(findings[0].message.contains("a「浙江」(a.csv:2)"));
        assert!(findings[0].message.contains("b「江苏」(b.csv:7)"));
    }

    #[test]
    fn struck_price_above_every_regular_price() {
        let channels = ["a", "b"]
            .iter()
            .map(|n| ChannelSpec {
                name: (*n).into(),
                key_field: "id".into(),
            })
            .collect();
        let mut join = Join::new(settings(), channels);
        join.add(
            0,
            &listing(
                "a",
                1,
                &[("id", "K"), ("price", "99"), ("original_price", "199")],
            ),
        );
        join.add(1, &listing("b", 1, &[("id", "K"), ("price", "129")]));
        let rules: Vec<String> = run(&join).iter().map(|f| f.rule.to_string()).collect();
        assert_eq!(rules, ["consistency/original_price", "consistency/price"]);
    }
}
