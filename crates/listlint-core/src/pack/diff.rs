//! What changes between two sets of rule packs: packs and rules added and
//! removed, versions, and per rule every key that differs (list keys such
//! as `terms` and `allow` item by item, the maps of parameters a kind
//! declares, such as `price`, parameter by parameter).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::schema::RuleDef;
use super::LoadedPack;
use crate::engine::kinds::is_parameter_key;

/// The differences between an old and a new set of packs.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PackDiff {
    /// Pack-level changes, by pack name.
    pub packs: Vec<PackChange>,
    /// Rule changes, by rule id.
    pub rules: Vec<RuleChange>,
}

impl PackDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.packs.is_empty() && self.rules.is_empty()
    }
}

/// A pack added, removed or changed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PackChange {
    /// Pack name.
    pub pack: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// Version in the old set.
    pub old_version: Option<String>,
    /// Version in the new set.
    pub new_version: Option<String>,
    /// Changed pack-level keys (`allow`, `references`, `category`, …).
    pub keys: Vec<KeyChange>,
}

/// A rule added, removed or changed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleChange {
    /// Rule id.
    pub id: String,
    /// Pack of the rule (the new one when both exist).
    pub pack: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// Kind and severity, for an added or removed rule.
    pub summary: Option<String>,
    /// The keys that differ, for a changed rule.
    pub keys: Vec<KeyChange>,
}

/// One key that differs between the old and the new rule.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KeyChange {
    /// The key (`severity`, `terms`, `price`, …).
    pub key: String,
    /// Items added to a list or map key.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// Items removed from a list or map key.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// The old value of any other key (absent when the key was not set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new value of any other key (absent when the key is no longer set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

/// Compares two sets of packs (as loaded and composed).
pub fn diff_packs(old: &[LoadedPack], new: &[LoadedPack]) -> PackDiff {
    let mut diff = PackDiff::default();
    let old_packs: BTreeMap<&str, &LoadedPack> = old.iter().map(|p| (p.name(), p)).collect();
    let new_packs: BTreeMap<&str, &LoadedPack> = new.iter().map(|p| (p.name(), p)).collect();
    let names: std::collections::BTreeSet<&str> =
        old_packs.keys().chain(new_packs.keys()).copied().collect();
    for name in names {
        let (o, n) = (old_packs.get(name), new_packs.get(name));
        let version = |p: Option<&&LoadedPack>| p.map(|p| p.def.version.clone());
        let change = match (o, n) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            _ => "changed",
        };
        let keys = match (o, n) {
            (Some(o), Some(n)) => pack_keys(o, n),
            _ => Vec::new(),
        };
        if change == "changed" && keys.is_empty() && version(o) == version(n) {
            continue;
        }
        diff.packs.push(PackChange {
            pack: name.to_owned(),
            change,
            old_version: version(o),
            new_version: version(n),
            keys,
        });
    }
    let old_rules = rules_by_id(old);
    let new_rules = rules_by_id(new);
    let ids: std::collections::BTreeSet<&str> =
        old_rules.keys().chain(new_rules.keys()).copied().collect();
    for id in ids {
        let change = match (old_rules.get(id), new_rules.get(id)) {
            (None, Some((pack, rule))) => RuleChange {
                id: id.to_owned(),
                pack: (*pack).to_owned(),
                change: "added",
                summary: Some(rule_summary(rule)),
                keys: Vec::new(),
            },
            (Some((pack, rule)), None) => RuleChange {
                id: id.to_owned(),
                pack: (*pack).to_owned(),
                change: "removed",
                summary: Some(rule_summary(rule)),
                keys: Vec::new(),
            },
            (Some((old_pack, o)), Some((pack, n))) => {
                let mut keys = Vec::new();
                if old_pack != pack {
                    keys.push(KeyChange {
                        key: "pack".into(),
                        added: Vec::new(),
                        removed: Vec::new(),
                        old: Some((*old_pack).to_owned()),
                        new: Some((*pack).to_owned()),
                    });
                }
                keys.extend(compare_objects(&rule_json(o), &rule_json(n), &["id"]));
                if keys.is_empty() {
                    continue;
                }
                RuleChange {
                    id: id.to_owned(),
                    pack: (*pack).to_owned(),
                    change: "changed",
                    summary: None,
                    keys,
                }
            }
            (None, None) => continue,
        };
        diff.rules.push(change);
    }
    diff
}

fn rules_by_id(packs: &[LoadedPack]) -> BTreeMap<&str, (&str, &RuleDef)> {
    packs
        .iter()
        .flat_map(|p| {
            p.def
                .rules
                .iter()
                .map(move |r| (r.id.value.as_str(), (p.name(), r)))
        })
        .collect()
}

fn rule_summary(rule: &RuleDef) -> String {
    let mut s = format!("{}, {}", rule.kind.value, rule.severity);
    if !rule.enabled {
        s.push_str(", opt-in");
    }
    s
}

/// A rule as JSON, with `enabled` always present (YAML leaves it out when
/// true).
fn rule_json(rule: &RuleDef) -> Value {
    let mut value = to_json(rule);
    if let Value::Object(map) = &mut value {
        map.insert("enabled".into(), Value::Bool(rule.enabled));
    }
    value
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Pack-level keys that affect rules: shared allow phrases, when the title
/// is a name, the default category, references, named conditions.
fn pack_keys(old: &LoadedPack, new: &LoadedPack) -> Vec<KeyChange> {
    let view = |p: &LoadedPack| {
        serde_json::json!({
            "category": p.def.category,
            "allow": p.def.allow,
            "title_is_name": to_json(&p.def.title_is_name),
            "references": to_json(&p.def.references),
            "conditions": to_json(&p.def.conditions),
        })
    };
    compare_objects(&view(old), &view(new), &[])
}

/// The keys whose values differ between two JSON objects.
fn compare_objects(old: &Value, new: &Value, skip: &[&str]) -> Vec<KeyChange> {
    let empty = serde_json::Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = old.keys().collect();
    keys.extend(new.keys().filter(|k| !old.contains_key(*k)));
    let mut changes = Vec::new();
    for key in keys {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let (o, n) = (old.get(key), new.get(key));
        let (o, n) = (o.filter(|v| !is_unset(v)), n.filter(|v| !is_unset(v)));
        if o == n {
            continue;
        }
        // Parameter maps compare key by key: `price.window_days: 7 → 30`.
        if let (Some(Value::Object(_)), Some(Value::Object(_))) = (o, n) {
            if is_parameter_key(key) {
                for mut inner in
                    compare_objects(o.unwrap_or(&Value::Null), n.unwrap_or(&Value::Null), &[])
                {
                    inner.key = format!("{key}.{}", inner.key);
                    changes.push(inner);
                }
                continue;
            }
        }
        changes.push(compare_values(key, o, n));
    }
    changes
}

fn is_unset(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn compare_values(key: &str, old: Option<&Value>, new: Option<&Value>) -> KeyChange {
    let mut change = KeyChange {
        key: key.to_owned(),
        added: Vec::new(),
        removed: Vec::new(),
        old: None,
        new: None,
    };
    let items = |v: Option<&Value>| -> Option<Vec<String>> {
        match v {
            None => Some(Vec::new()),
            Some(Value::Array(a)) => Some(a.iter().map(show).collect()),
            Some(Value::Object(o)) if !is_parameter_key(key) => Some(
                o.iter()
                    .map(|(k, v)| format!("{k} → {}", show(v)))
                    .collect(),
            ),
            _ => None,
        }
    };
    match (items(old), items(new)) {
        (Some(o), Some(n)) if key != "examples" => {
            change.added = n.iter().filter(|i| !o.contains(i)).cloned().collect();
            change.removed = o.iter().filter(|i| !n.contains(i)).cloned().collect();
            if change.added.is_empty() && change.removed.is_empty() {
                // The same items: another order, or repeats.
                let (mut o, mut n) = (o, n);
                let (old_len, new_len) = (o.len(), n.len());
                o.sort();
                n.sort();
                if o == n {
                    change.old = Some("(order)".to_owned());
                    change.new = Some("(reordered)".to_owned());
                } else {
                    change.old = Some(format!("{old_len} items"));
                    change.new = Some(format!("{new_len} items (repeats changed)"));
                }
            }
        }
        _ if key == "docs" || key == "examples" => {
            change.old = old.map(|v| count_or_changed(key, v));
            change.new = new.map(|v| count_or_changed(key, v));
            if change.old == change.new {
                change.new = change.new.map(|n| format!("{n} (edited)"));
            }
        }
        _ => {
            change.old = old.map(show);
            change.new = new.map(show);
        }
    }
    change
}

/// Long values are not repeated: docs as "N lines", examples as "N".
fn count_or_changed(key: &str, value: &Value) -> String {
    match (key, value) {
        ("examples", Value::Array(a)) => format!("{} examples", a.len()),
        (_, Value::String(s)) => format!("{} lines", s.lines().count()),
        _ => show(value),
    }
}

/// A value as a reviewer reads it: strings bare, anything else as JSON.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_keys_are_compared_item_by_item() {
        let old = serde_json::json!({"id": "a", "terms": ["最好", "首选"], "severity": "error"});
        let new =
            serde_json::json!({"id": "a", "terms": ["最好", "宇宙最强"], "severity": "warning"});
        let keys = compare_objects(&old, &new, &["id"]);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].key, "terms");
        assert_eq!(keys[0].added, ["宇宙最强"]);
        assert_eq!(keys[0].removed, ["首选"]);
        assert_eq!(keys[1].old.as_deref(), Some("error"));
        assert_eq!(keys[1].new.as_deref(), Some("warning"));
    }

    #[test]
    fn parameters_compare_key_by_key_and_repeats_are_noticed() {
        let old = serde_json::json!({"price": {"check": "x", "window_days": 7}, "terms": ["a", "a", "b"]});
        let new =
            serde_json::json!({"price": {"check": "x", "window_days": 30}, "terms": ["a", "b"]});
        let keys = compare_objects(&old, &new, &[]);
        assert_eq!(keys[0].key, "price.window_days");
        assert_eq!(
            (keys[0].old.as_deref(), keys[0].new.as_deref()),
            (Some("7"), Some("30"))
        );
        assert_eq!(keys[1].key, "terms");
        assert_eq!(keys[1].new.as_deref(), Some("2 items (repeats changed)"));
    }

    #[test]
    fn maps_compare_by_entry_and_unset_equals_empty() {
        let old = serde_json::json!({"suggest": {"王牌": "主打"}, "allow": []});
        let new = serde_json::json!({"suggest": {"王牌": "明星"}});
        let keys = compare_objects(&old, &new, &[]);
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].added, ["王牌 → 明星"]);
        assert_eq!(keys[0].removed, ["王牌 → 主打"]);
    }
}
