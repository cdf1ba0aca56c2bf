//! `listlint rules list` and `listlint explain RULE_ID`: what the loaded
//! packs contain, read from the same YAML the engine compiles.

use std::fmt::Write as _;

use clap::ValueEnum;
use serde_json::json;

use super::{load_packs, PackArgs};
use crate::cli::output::Stdout;
use crate::exit::ExitStatus;
use listlint_core::config;
use listlint_core::pack::load::PackSelection;
use listlint_core::pack::schema::{join_expectations, ConditionDef, Reference, RuleDef};
use listlint_core::pack::LoadedPack;
use listlint_core::settings::{Overrides, Settings};
use listlint_io::report::Language;

/// Output of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A line per rule.
    Text,
    /// A JSON array.
    Json,
}

/// Adds the config file's `rules` and `no_default_rules`, as `check` does.
/// The packs the flags select, with the nearest config file's `rules`,
/// `no_default_rules` and `extends_from`, as `check` resolves them.
fn with_config(args: &PackArgs) -> miette::Result<PackSelection> {
    let config = crate::cli::config_from_working_dir()
        .map(|path| config::load(&path))
        .transpose()?;
    let overrides = Overrides {
        rules: args.rules.clone(),
        no_default_rules: args.no_default_rules,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        ..Overrides::default()
    };
    Ok(Settings::resolve(config, overrides)?.packs)
}

fn category<'a>(pack: &'a LoadedPack, rule: &'a RuleDef) -> &'a str {
    rule.category
        .as_deref()
        .or(pack.def.category.as_deref())
        .unwrap_or("")
}

/// `listlint rules list`.
pub fn list(
    args: &PackArgs,
    pack_filter: Option<&str>,
    category_filter: Option<&str>,
    format: ListFormat,
) -> miette::Result<ExitStatus> {
    let packs = load_packs(&with_config(args)?, args.verbose)?;
    let filter = listlint_core::engine::RuleFilter::new(&args.select, &args.ignore);
    let mut rows = Vec::new();
    for pack in &packs {
        for rule in &pack.def.rules {
            let cat = category(pack, rule);
            let keep = pack_filter.is_none_or(|p| p == pack.def.pack.value)
                && category_filter.is_none_or(|c| c == cat)
                && filter.enabled(&rule.id.value, cat, &pack.def.pack.value);
            if keep {
                rows.push((pack, rule, cat));
            }
        }
    }
    let mut out = Stdout::new();
    match format {
        ListFormat::Json => {
            let list: Vec<_> = rows
                .iter()
                .map(|(pack, rule, cat)| {
                    json!({
                        "id": rule.id.value,
                        "pack": pack.def.pack.value,
                        "pack_version": pack.def.version,
                        "kind": rule.kind.value,
                        "category": cat,
                        "severity": rule.severity,
                        "enabled": rule.enabled,
                        "summary": rule.summary,
                        "references": rule.references.iter().map(Reference::title).collect::<Vec<_>>(),
                    })
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            )?;
        }
        ListFormat::Text => {
            for (pack, rule, cat) in &rows {
                let opt_in = if rule.enabled { "" } else { " (opt-in)" };
                writeln!(
                    out,
                    "{:<40} {:<8} {:<10} {:<16} {}{opt_in}  [{}]",
                    rule.id.value,
                    rule.severity.as_str(),
                    rule.kind.value,
                    cat,
                    rule.summary.as_deref().unwrap_or(""),
                    pack.def.pack.value
                )?;
            }
            let mut shown_packs: Vec<&str> = rows.iter().map(|(p, _, _)| p.name()).collect();
            shown_packs.dedup();
            writeln!(
                out,
                "{} rules in {} of {} loaded packs",
                rows.len(),
                shown_packs.len(),
                packs.len()
            )?;
        }
    }
    out.finish()?;
    Ok(ExitStatus::Success)
}

fn list_line(out: &mut String, label: &str, items: &[String]) {
    if !items.is_empty() {
        let _ = writeln!(out, "{label} ({}): {}", items.len(), items.join(", "));
    }
}

/// A condition in one line, as a reviewer would write it.
pub(crate) fn condition(c: &ConditionDef) -> String {
    condition_in(c, Language::English)
}

/// [`condition`] in `language`.
fn condition_in(c: &ConditionDef, language: Language) -> String {
    let zh = language == Language::Chinese;
    let list = |items: &[ConditionDef]| {
        items
            .iter()
            .map(|c| condition_in(c, language))
            .collect::<Vec<_>>()
            .join(if zh { "，" } else { ", " })
    };
    match c {
        ConditionDef::All(items) if zh => format!("同时满足（{}）", list(items)),
        ConditionDef::All(items) => format!("all of ({})", list(items)),
        ConditionDef::Any(items) if zh => format!("满足其一（{}）", list(items)),
        ConditionDef::Any(items) => format!("any of ({})", list(items)),
        ConditionDef::Not(inner) if zh => format!("不满足（{}）", condition_in(inner, language)),
        ConditionDef::Not(inner) => format!("not ({})", condition_in(inner, language)),
        ConditionDef::Category(cat) => {
            let mut parts = Vec::new();
            if !cat.prefix.is_empty() {
                let word = if zh { "前缀" } else { "prefix" };
                parts.push(format!("{word} {}", cat.prefix.join("|")));
            }
            if !cat.any.is_empty() {
                let word = if zh { "某一级为" } else { "segment" };
                parts.push(format!("{word} {}", cat.any.join("|")));
            }
            if let Some(r) = &cat.regex {
                let word = if zh { "匹配" } else { "regex" };
                parts.push(format!("{word} /{}/", r.value));
            }
            if zh {
                format!("类目{}", parts.join(" 或 "))
            } else {
                format!("category {}", parts.join(" or "))
            }
        }
        ConditionDef::FieldPresent(f) if zh => format!("{f} 已填写"),
        ConditionDef::FieldPresent(f) => format!("{f} present"),
        ConditionDef::FieldEmpty(f) if zh => format!("{f} 为空"),
        ConditionDef::FieldEmpty(f) => format!("{f} empty"),
        ConditionDef::FieldMatches(m) if zh => format!("{} 匹配 /{}/", m.field, m.regex.value),
        ConditionDef::FieldMatches(m) => format!("{} matches /{}/", m.field, m.regex.value),
        ConditionDef::Contains(c) => {
            let fields = c
                .fields
                .as_deref()
                .map(|f| f.join(", "))
                .unwrap_or_else(|| if zh { "文字字段" } else { "text fields" }.into());
            let terms = c.terms.value.join("|");
            let allow = match (c.allow.is_empty(), zh) {
                (true, _) => String::new(),
                (false, true) => format!("（不计 {} 中的）", c.allow.join("|")),
                (false, false) => format!(" (not within {})", c.allow.join("|")),
            };
            if zh {
                format!("[{fields}] 含 {terms}{allow}")
            } else {
                format!("[{fields}] contain {terms}{allow}")
            }
        }
        ConditionDef::Number(n) => {
            let tests: Vec<String> = [
                ("> ", n.gt),
                (">= ", n.ge),
                ("< ", n.lt),
                ("<= ", n.le),
                ("= ", n.eq),
            ]
            .iter()
            .filter_map(|(op, v)| v.map(|v| format!("{op}{v}")))
            .collect();
            let and = if zh { " 且 " } else { " and " };
            format!("{} {}", n.field, tests.join(and))
        }
        ConditionDef::Use(name) if zh => format!("引用 {}", name.value),
        ConditionDef::Use(name) => format!("use {}", name.value),
    }
}

/// `explain --lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// The language of the rule's pack's messages.
    Auto,
    /// Chinese.
    Zh,
    /// English.
    En,
}

/// The headings of `explain`: (key, Chinese, English).
const HEADINGS: &[(&str, &str, &str)] = &[
    ("pack", "规则包", "pack"),
    ("kind", "类型", "kind"),
    ("severity", "严重程度", "severity"),
    ("category", "类别", "category"),
    (
        "opt_in",
        "默认不启用（enabled: false）",
        "opt-in (enabled: false)",
    ),
    ("message", "提示信息", "message"),
    ("help", "处理建议", "help"),
    ("fields", "检查字段", "fields"),
    ("when", "适用条件", "when"),
    (
        "title_is_name",
        "标题即商品名称（其中的用语不报告）的条件",
        "title is the product's name (nothing reported in it) when",
    ),
    ("terms", "用语", "terms"),
    ("allow", "允许的用法", "allow"),
    ("pack_allow", "规则包允许的用法", "pack-level allow"),
    ("suggest", "建议改为", "suggest"),
    ("pattern", "模式", "pattern"),
    ("keywords", "关键词", "keywords"),
    ("require", "要求", "require"),
    ("price", "价格检查", "price"),
    ("triggers", "触发词", "triggers"),
    ("discloses", "须披露", "discloses"),
    ("references", "法律依据", "references"),
    ("examples", "示例", "examples"),
    ("changed_by", "被以下扩展修改", "changed by"),
];

/// The heading `key` in `language`.
fn heading(language: Language, key: &str) -> &'static str {
    HEADINGS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |&(_, zh, en)| match language {
            Language::Chinese => zh,
            Language::English => en,
        })
}

/// A severity as `explain` names it: `警告 (warning)` in Chinese.
fn severity_in(severity: listlint_core::model::Severity, language: Language) -> String {
    use listlint_core::model::Severity;
    match language {
        Language::English => severity.to_string(),
        Language::Chinese => {
            let word = match severity {
                Severity::Error => "错误",
                Severity::Warning => "警告",
                Severity::Info => "提示",
            };
            format!("{word} ({severity})")
        }
    }
}

/// The pack and rule with this id, or an error with a "did you mean".
fn find_rule<'p>(
    packs: &'p [LoadedPack],
    id: &str,
) -> miette::Result<(&'p LoadedPack, &'p RuleDef)> {
    let found = packs.iter().find_map(|p| {
        p.def
            .rules
            .iter()
            .find(|r| r.id.value == id)
            .map(|r| (p, r))
    });
    let Some((pack, rule)) = found else {
        let ids: Vec<&str> = packs
            .iter()
            .flat_map(|p| p.def.rules.iter().map(|r| r.id.value.as_str()))
            .collect();
        let help = listlint_core::suggest::did_you_mean(id, ids.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| "`listlint rules list` shows every rule".into());
        miette::bail!(help = help, "no rule `{id}` in the loaded packs");
    };
    Ok((pack, rule))
}

/// `listlint explain RULE_ID`: headings in `lang`, or with
/// [`Lang::Auto`] in the language of the rule's pack's messages.
pub fn explain(args: &PackArgs, id: &str, lang: Lang) -> miette::Result<ExitStatus> {
    let packs = load_packs(&with_config(args)?, args.verbose)?;
    let (pack, rule) = find_rule(&packs, id)?;
    let language = match lang {
        Lang::Zh => Language::Chinese,
        Lang::En => Language::English,
        Lang::Auto => Language::of_messages(pack.def.rules.iter().filter_map(|r| {
            // Placeholders are not words of the message; a message that is
            // only placeholders (`{problem}`) says nothing of the language.
            let mut text = r.message.value.clone();
            while let (Some(open), Some(close)) = (text.find('{'), text.find('}')) {
                if close < open {
                    break;
                }
                text.replace_range(open..=close, "");
            }
            text.chars().any(char::is_alphanumeric).then_some(text)
        })),
    };
    let h = |key| heading(language, key);
    let colon = match language {
        Language::Chinese => "：",
        Language::English => ": ",
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}",
        rule.id.value,
        rule.summary.as_deref().unwrap_or("")
    );
    let _ = writeln!(
        out,
        "{} {} {} ({}) · {} {} · {} {} · {} {}{}",
        h("pack"),
        pack.def.pack.value,
        pack.def.version,
        pack.source.name,
        h("kind"),
        rule.kind.value,
        h("severity"),
        severity_in(rule.severity, language),
        h("category"),
        category(pack, rule),
        if rule.enabled {
            String::new()
        } else {
            format!(" · {}", h("opt_in"))
        }
    );
    let _ = writeln!(out, "{}{colon}{}", h("message"), rule.message.value);
    if let Some(help) = &rule.help {
        let _ = writeln!(out, "{}{colon}{help}", h("help"));
    }
    if let Some(fields) = &rule.fields {
        let _ = writeln!(out, "{}{colon}{}", h("fields"), fields.join(", "));
    }
    if let Some(when) = &rule.when {
        let _ = writeln!(out, "{}{colon}{}", h("when"), condition_in(when, language));
    }
    if let (Some(title), "lexicon" | "pattern") =
        (&pack.def.title_is_name, rule.kind.value.as_str())
    {
        let _ = writeln!(
            out,
            "{}{colon}{}",
            h("title_is_name"),
            condition_in(title, language)
        );
    }
    if let Some(terms) = &rule.terms {
        list_line(&mut out, h("terms"), &terms.value);
    }
    list_line(&mut out, h("allow"), &rule.allow);
    list_line(&mut out, h("pack_allow"), &pack.def.allow);
    if !rule.suggest.is_empty() {
        let pairs: Vec<String> = rule
            .suggest
            .iter()
            .map(|(t, s)| format!("{t} → {s}"))
            .collect();
        list_line(&mut out, h("suggest"), &pairs);
    }
    if let Some(pattern) = &rule.pattern {
        let _ = writeln!(out, "{}{colon}{}", h("pattern"), pattern.value);
    }
    list_line(&mut out, h("keywords"), &rule.keywords);
    if let Some(require) = &rule.require {
        let r = &require.value;
        let template = match language {
            Language::Chinese => {
                "{name}，写在 [{fields}] 之一或 [{in_text}] 的文字中，格式 {format}，校验 {validator}，有效期字段 {expiry}"
            }
            Language::English => {
                "{name} in [{fields}] or text of [{in_text}], format {format}, validator {validator}, expiry {expiry}"
            }
        };
        let line = template
            .replace("{fields}", &r.fields.join(", "))
            .replace("{in_text}", &r.in_text.join(", "))
            .replace(
                "{format}",
                r.format.as_ref().map_or("-", |f| f.value.as_str()),
            )
            .replace(
                "{validator}",
                r.validator.as_ref().map_or("-", |v| v.value.as_str()),
            )
            .replace("{expiry}", r.expiry_field.as_deref().unwrap_or("-"))
            .replacen("{name}", &r.name, 1);
        let _ = writeln!(out, "{}{colon}{line}", h("require"));
    }
    if let Some(price) = &rule.price {
        let p = &price.value;
        let check = p.check.as_ref().map_or("", |c| c.value.as_str());
        let mut params = vec![format!("check {check}")];
        let numbers = [
            ("window_days", p.window_days.map(f64::from)),
            ("raise_window_days", p.raise_window_days.map(f64::from)),
            ("lookback_days", p.lookback_days.map(f64::from)),
            ("raise_percent", p.raise_percent),
            ("tolerance_yuan", p.tolerance_yuan),
            ("tolerance_percent", p.tolerance_percent),
        ];
        params.extend(
            numbers
                .iter()
                .filter_map(|(k, v)| v.map(|v| format!("{k} {v}"))),
        );
        if !p.basis_fields.is_empty() {
            params.push(format!("basis_fields [{}]", p.basis_fields.join(", ")));
        }
        let _ = writeln!(out, "{}{colon}{}", h("price"), params.join(", "));
    }
    if let Some(triggers) = &rule.triggers {
        list_line(&mut out, h("triggers"), &triggers.value);
    }
    for item in &rule.disclose {
        let recognizers: Vec<&str> = item.recognizers.iter().map(|r| r.value.as_str()).collect();
        let _ = writeln!(
            out,
            "{} {}{colon}fields [{}], recognizers [{}], terms [{}]",
            h("discloses"),
            item.item,
            item.fields.join(", "),
            recognizers.join(", "),
            item.terms.join(", ")
        );
    }
    if !rule.references.is_empty() {
        let _ = writeln!(out, "{}{}", h("references"), colon.trim_end());
        for r in &rule.references {
            let _ = writeln!(out, "  - {}", r.title());
        }
    }
    if !rule.examples.is_empty() {
        let _ = writeln!(out, "{}{}", h("examples"), colon.trim_end());
        for e in &rule.examples {
            let shown = e.shown();
            let _ = writeln!(out, "  - {shown} → [{}]", join_expectations(&e.expect));
        }
    }
    if !rule.applied.is_empty() {
        let _ = writeln!(out, "{}{}", h("changed_by"), colon.trim_end());
        for applied in &rule.applied {
            let _ = writeln!(out, "  - {applied}");
        }
    }
    if let Some(docs) = &rule.docs {
        let _ = writeln!(out, "\n{}", docs.trim_end());
    }
    crate::cli::output::print(&out)?;
    Ok(ExitStatus::Success)
}

/// `listlint rules show RULE_ID [--resolved]`: the rule's YAML as written
/// in its pack, or (`resolved`) as it runs once the overrides of packs
/// that extend its pack are applied, with each override named.
pub fn show(args: &PackArgs, id: &str, resolved: bool) -> miette::Result<ExitStatus> {
    let packs = load_packs(&with_config(args)?, args.verbose)?;
    let (pack, rule) = find_rule(&packs, id)?;
    let mut out = String::new();
    let line = rule.id.referenced.line();
    if !resolved {
        let _ = writeln!(
            out,
            "# {}:{line} (pack {} {})",
            pack.source.name,
            pack.name(),
            pack.def.version
        );
        out.push_str(&rule_yaml_as_written(
            &pack.source.text,
            line,
            rule.id.referenced.column(),
        ));
        if !rule.applied.is_empty() {
            let _ = writeln!(
                out,
                "# changed by {} override(s); add --resolved to see the result",
                rule.applied.len()
            );
        }
        crate::cli::output::print(&out)?;
        return Ok(ExitStatus::Success);
    }
    let _ = writeln!(
        out,
        "# {} as it runs: pack {} {} ({}:{line})",
        rule.id.value,
        pack.name(),
        pack.def.version,
        pack.source.name
    );
    if rule.applied.is_empty() {
        let _ = writeln!(out, "# no overrides applied");
    }
    for applied in &rule.applied {
        let _ = writeln!(
            out,
            "# overridden by {} at {}:",
            applied.pack, applied.place
        );
        for change in &applied.changes {
            let _ = writeln!(out, "#   {change}");
        }
    }
    let yaml = serde_saphyr::to_string(&[rule])
        .map_err(|e| miette::miette!("cannot render rule `{id}` as YAML: {e}"))?;
    out.push_str(&yaml);
    crate::cli::output::print(&out)?;
    Ok(ExitStatus::Success)
}

/// The lines of a pack that define the rule whose `id:` is at `line` and
/// `column`: from the rule's `-` item (at or above the `id:` line) to the
/// line before the next item or a key of the pack itself.
fn rule_yaml_as_written(text: &str, line: u64, column: u64) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let id_line = (line as usize).saturating_sub(1);
    if id_line >= lines.len() {
        return String::new();
    }
    let indent = |l: &str| l.len() - l.trim_start().len();
    let id_indent = column.saturating_sub(1) as usize;
    // The item's dash: the nearest line at or above `id:` that starts with
    // `-` left of the key.
    let start = (0..=id_line)
        .rev()
        .find(|&i| {
            let l = lines[i];
            l.trim_start().starts_with('-') && indent(l) < id_indent
        })
        .unwrap_or(id_line);
    let dash = indent(lines[start]);
    let mut end = start + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent(lines[end]) > dash) {
        end += 1;
    }
    while end > start + 1 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    lines[start..end].iter().map(|l| format!("{l}\n")).collect()
}
