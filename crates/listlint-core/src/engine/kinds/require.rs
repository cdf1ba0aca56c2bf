//! Kind `require`: when the rule applies, a value must be shown, in the
//! right format, and not expired.
//!
//! The value may be in any of `fields` or, failing that, written in one of
//! the `in_text` fields (e.g. "食品生产许可证编号：SC10644030600123" in the
//! description). Problems found:
//! - nothing found anywhere: one finding about the listing;
//! - a value that does not match `format`, or fails the validator: a finding
//!   on that value, its span covering the value;
//! - an expiry date before `--as-of`, or one that cannot be read: a finding
//!   on the expiry field.

use std::sync::Arc;

use serde_saphyr::Spanned;

use super::{Kind, KindRule};
use crate::date::Date;
use crate::engine::compile::error_at;
use crate::engine::pack_regex::PackRegex;
use crate::engine::when::compile_regex;
use crate::engine::ListingCheck;
use crate::listing::Listing;
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError, PackSource};
use crate::recognize::half_width;
use crate::suggest::did_you_mean;
use crate::validate::Validator;

/// The `require` kind.
#[derive(Debug)]
pub(crate) struct RequireKind;

impl Kind for RequireKind {
    fn name(&self) -> &'static str {
        "require"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["require"]
    }

    fn parameter_keys(&self) -> &'static [&'static str] {
        &["require"]
    }

    fn reads_text(&self) -> bool {
        false
    }

    fn placeholders(&self) -> &'static [&'static str] {
        &["certificate", "field", "value", "problem"]
    }

    fn compile(&self, pack: &LoadedPack, def: &RuleDef) -> Result<Arc<dyn KindRule>, PackError> {
        Ok(Arc::new(compile_require(&pack.source, def)?))
    }

    /// Every applicable rule's problems with the listing's values.
    fn check(&self, check: &mut ListingCheck<'_, '_>, rules: &[u32]) {
        let ListingCheck {
            ruleset,
            listing,
            applies_to,
            out,
            ..
        } = check;
        let settings = &ruleset.settings;
        for (index, rule, require) in ruleset.rules_of::<Require>(rules) {
            if !applies_to(index as u32) {
                continue;
            }
            for problem in require.check(listing, settings.as_of) {
                // Nothing found, in a file whose header has no column for
                // the value: reported once for the file by the caller.
                if problem.field.is_none() && out.note_absent(rule, &require.fields) {
                    continue;
                }
                let field = problem.field.as_deref();
                let message = rule.message.render(|name| match name {
                    "certificate" => require.name.as_str(),
                    "field" => field.unwrap_or(""),
                    "value" => problem.value.as_deref().unwrap_or(""),
                    "problem" => problem.description.as_str(),
                    _ => "",
                });
                let source = match field {
                    Some(f) if settings.keep_sources => listing.get(f).map(Arc::from),
                    _ => None,
                };
                out.push(
                    rule,
                    message,
                    None,
                    field.map(Arc::from),
                    problem.span,
                    source,
                );
            }
        }
    }
}

/// Run-time data of a require rule.
#[derive(Debug, Clone)]
pub struct Require {
    /// What is required, for messages.
    pub name: String,
    /// Fields any one of which may carry the value.
    pub fields: Vec<String>,
    /// Text fields searched for a value matching the format.
    pub in_text: Vec<String>,
    /// The whole value must match this (anchored).
    pub format: Option<PackRegex>,
    /// The same format, unanchored, for searching text.
    pub search: Option<PackRegex>,
    /// Extra validation.
    pub validator: Option<Validator>,
    /// Field with the expiry date.
    pub expiry_field: Option<String>,
}

impl KindRule for Require {
    fn kind(&self) -> &'static dyn Kind {
        &RequireKind
    }
}

/// One problem with a requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field concerned (`None`: the listing as a whole).
    pub field: Option<String>,
    /// Character span of the offending value in the field.
    pub span: Option<(usize, usize)>,
    /// The offending value as written.
    pub value: Option<String>,
    /// What is wrong, in words.
    pub description: String,
}

/// The span `[start, end)` in characters of `value` without surrounding
/// whitespace, and that trimmed text.
fn trimmed_span(value: &str) -> (usize, usize, &str) {
    let trimmed_start = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    let start = value[..trimmed_start].chars().count();
    (start, start + trimmed.chars().count(), trimmed)
}

impl Require {
    /// Checks the requirement on a listing.
    pub fn check(&self, listing: &Listing, as_of: Date) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut satisfied = false;
        for field in &self.fields {
            let Some(value) = listing.get(field) else {
                continue;
            };
            if value.trim().is_empty() {
                continue;
            }
            match self.validate(value) {
                Ok(()) => satisfied = true,
                Err(description) => {
                    let (start, end, text) = trimmed_span(value);
                    problems.push(Problem {
                        field: Some(field.clone()),
                        span: Some((start, end)),
                        value: Some(text.to_owned()),
                        description,
                    });
                }
            }
        }
        if !satisfied && problems.is_empty() {
            satisfied = self.found_in_text(listing, &mut problems);
        }
        if !satisfied && problems.is_empty() {
            problems.push(Problem {
                field: None,
                span: None,
                value: None,
                description: format!("未展示{}", self.name),
            });
        }
        if satisfied {
            problems.extend(self.check_expiry(listing, as_of));
        }
        problems
    }

    /// Whether the value's format and validator pass; otherwise why not.
    fn validate(&self, value: &str) -> Result<(), String> {
        // Certificates are often typed with a Chinese input method, in
        // full-width digits and letters.
        let normalized = half_width(value.trim());
        if let Some(format) = &self.format {
            if !format.is_match(&normalized) {
                return Err(format!("「{}」不符合{}的编号格式", value.trim(), self.name));
            }
        }
        if let Some(validator) = self.validator {
            validator
                .check(&normalized)
                .map_err(|why| format!("{}「{}」无效：{why}", self.name, value.trim()))?;
        }
        Ok(())
    }

    /// Looks for a well-formed value in the `in_text` fields. A value that
    /// matches the format but fails the validator is reported.
    fn found_in_text(&self, listing: &Listing, problems: &mut Vec<Problem>) -> bool {
        let Some(search) = &self.search else {
            return false;
        };
        for field in &self.in_text {
            let Some(text) = listing.get(field) else {
                continue;
            };
            let normalized = half_width(text);
            if !search.may_match(&normalized) {
                continue;
            }
            // Half-width conversion keeps one character for one, so
            // character offsets carry over to the original text.
            for m in search.get().find_iter(&normalized) {
                let start = normalized[..m.start()].chars().count();
                let end = start + m.as_str().chars().count();
                match self.validator.map_or(Ok(()), |v| v.check(m.as_str())) {
                    Ok(()) => return true,
                    Err(why) => problems.push(Problem {
                        field: Some(field.clone()),
                        span: Some((start, end)),
                        value: Some(m.as_str().to_owned()),
                        description: format!("{}「{}」无效：{why}", self.name, m.as_str()),
                    }),
                }
            }
        }
        false
    }

    fn check_expiry(&self, listing: &Listing, as_of: Date) -> Option<Problem> {
        let field = self.expiry_field.as_ref()?;
        let value = listing.get(field)?;
        if value.trim().is_empty() {
            return None;
        }
        let (start, end, text) = trimmed_span(value);
        let problem = |description| Problem {
            field: Some(field.clone()),
            span: Some((start, end)),
            value: Some(text.to_owned()),
            description,
        };
        if ["长期", "永久"].iter().any(|w| text.contains(w)) {
            return None;
        }
        match Date::parse(text) {
            None => Some(problem(format!(
                "{}有效期「{text}」无法识别为日期（应为 YYYY-MM-DD）",
                self.name
            ))),
            Some(date) if date < as_of => Some(problem(format!(
                "{}已于{date}过期（检查日期 {as_of}）",
                self.name
            ))),
            Some(_) => None,
        }
    }
}

fn compile_require(source: &PackSource, def: &RuleDef) -> Result<Require, PackError> {
    let id = &def.id.value;
    let Some(require) = &def.require else {
        return Err(error_at(
            source,
            &def.id,
            format!("require rule `{id}` has no `require`"),
            Some("say what must be shown under `require:` (name, fields, format)".into()),
        ));
    };
    let spec = &require.value;
    if spec.fields.is_empty() && spec.in_text.is_empty() {
        return Err(error_at(
            source,
            require,
            format!("require rule `{id}`: list the `fields` (or `in_text` fields) that may carry the value"),
            None,
        ));
    }
    let (format, search) = match &spec.format {
        Some(format) => {
            let anchored = Spanned {
                value: format!("^(?:{})$", format.value),
                ..format.clone()
            };
            // A shipped pack's format is known to compile: it is compiled
            // when first used.
            if crate::pack::is_shipped(source) {
                (
                    Some(PackRegex::deferred(&anchored.value)),
                    Some(PackRegex::deferred(&format.value)),
                )
            } else {
                let search = compile_regex(source, format)?;
                (
                    Some(PackRegex::compiled(compile_regex(source, &anchored)?)),
                    Some(PackRegex::compiled(search)),
                )
            }
        }
        None if !spec.in_text.is_empty() => {
            return Err(error_at(
                source,
                require,
                format!("require rule `{id}`: `in_text` needs a `format` to recognise the value"),
                None,
            ))
        }
        None => (None, None),
    };
    let validator = spec
        .validator
        .as_ref()
        .map(|name| {
            Validator::from_name(&name.value).ok_or_else(|| {
                error_at(
                    source,
                    name,
                    format!("unknown validator `{}`", name.value),
                    Some(
                        did_you_mean(&name.value, Validator::NAMES.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("known: {}", Validator::NAMES.join(", "))),
                    ),
                )
            })
        })
        .transpose()?;
    Ok(Require {
        name: spec.name.clone(),
        fields: spec.fields.clone(),
        in_text: spec.in_text.clone(),
        format,
        search,
        validator,
        expiry_field: spec.expiry_field.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn listing(fields: &[(&str, &str)]) -> Listing {
        Listing {
            fields: fields
                .iter()
                .map(|(k, v)| (Arc::from(*k), (*v).to_owned()))
                .collect(),
            ..Listing::default()
        }
    }

    fn require() -> Require {
        Require {
            name: "食品生产许可证".into(),
            fields: vec!["cert.food_production".into()],
            in_text: vec!["description".into()],
            format: Some(PackRegex::compiled(
                Regex::new(r"^(?:SC[12]\d{13})$").unwrap(),
            )),
            search: Some(PackRegex::compiled(Regex::new(r"SC[12]\d{13}").unwrap())),
            validator: None,
            expiry_field: Some("cert.food_production_expiry".into()),
        }
    }

    fn as_of() -> Date {
        Date::new(2026, 11, 27).unwrap()
    }

    #[test]
    fn present_and_well_formed_passes() {
        let l = listing(&[("cert.food_production", " SC10644030600123 ")]);
        assert!(require().check(&l, as_of()).is_empty());
        let l = listing(&[("cert.food_production", "ＳＣ10644030600123")]);
        assert!(require().check(&l, as_of()).is_empty());
    }

    #[test]
    fn missing_is_one_listing_level_problem() {
        let p = require().check(&listing(&[("title", "坚果")]), as_of());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, None);
        assert!(p[0].description.contains("未展示食品生产许可证"));
    }

    #[test]
    fn found_in_description_text_satisfies() {
        let l = listing(&[("description", "生产许可证编号：SC10644030600123，产地浙江")]);
        assert!(require().check(&l, as_of()).is_empty());
    }

    #[test]
    fn malformed_value_has_a_span_on_the_trimmed_value() {
        let l = listing(&[("cert.food_production", "  QS1234 ")]);
        let p = require().check(&l, as_of());
        assert_eq!(p[0].span, Some((2, 8)));
        assert_eq!(p[0].value.as_deref(), Some("QS1234"));
    }

    #[test]
    fn expiry_before_as_of_and_unreadable_dates() {
        let l = listing(&[
            ("cert.food_production", "SC10644030600123"),
            ("cert.food_production_expiry", "2026-11-26"),
        ]);
        let p = require().check(&l, as_of());
        assert!(p[0].description.contains("已于2026-11-26过期"), "{p:?}");
        let l = listing(&[
            ("cert.food_production", "SC10644030600123"),
            ("cert.food_production_expiry", "2026-11-27"),
        ]);
        assert!(require().check(&l, as_of()).is_empty());
        let l = listing(&[
            ("cert.food_production", "SC10644030600123"),
            ("cert.food_production_expiry", "下个月"),
        ]);
        assert!(require().check(&l, as_of())[0]
            .description
            .contains("无法识别"));
        let l = listing(&[
            ("cert.food_production", "SC10644030600123"),
            ("cert.food_production_expiry", "长期有效"),
        ]);
        assert!(require().check(&l, as_of()).is_empty());
    }
}
