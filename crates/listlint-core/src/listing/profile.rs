//! Field mapping: which input header means which canonical field.
//!
//! The `generic` profile knows the aliases of SPEC §1 (case-insensitive,
//! surrounding spaces ignored). Headers it does not know stay available to
//! rules under their own name.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::{FieldName, InputProblem};

/// Canonical field names with their aliases (SPEC §1).
const GENERIC_ALIASES: &[(&str, &[&str])] = &[
    (
        "id",
        &[
            "sku",
            "sku_id",
            "item_id",
            "product_id",
            "handle",
            "商品id",
            "商品编码",
            "宝贝id",
            "货号",
        ],
    ),
    (
        "title",
        &[
            "name",
            "product_name",
            "商品标题",
            "宝贝名称",
            "商品名称",
            "标题",
        ],
    ),
    ("subtitle", &["selling_point", "副标题", "卖点", "宝贝卖点"]),
    (
        "description",
        &[
            "body",
            "body (html)",
            "detail",
            "商品详情",
            "宝贝描述",
            "描述",
        ],
    ),
    (
        "category",
        &["product category", "type", "类目", "商品类目", "分类"],
    ),
    ("brand", &["vendor", "品牌"]),
    (
        "shop",
        &[
            "shop_name",
            "store_name",
            "店名",
            "店铺",
            "店铺名",
            "店铺名称",
        ],
    ),
    (
        "price",
        &[
            "variant price",
            "sale_price",
            "价格",
            "售价",
            "现价",
            "宝贝价格",
            "一口价",
        ],
    ),
    (
        "original_price",
        &[
            "compare_at_price",
            "variant compare at price",
            "list_price",
            "划线价",
            "原价",
            "市场价",
        ],
    ),
    ("promo_text", &["promotion", "促销", "促销信息", "活动说明"]),
    (
        "price_basis",
        &["划线价说明", "原价说明", "价格说明", "划线价依据"],
    ),
    ("promo_start", &["活动开始时间"]),
    ("promo_end", &["活动结束时间"]),
    ("tags", &["标签"]),
    (
        "cert.food_license",
        &["食品经营许可证", "食品经营许可证编号"],
    ),
    (
        "cert.food_production",
        &["食品生产许可证", "食品生产许可证编号", "生产许可证编号"],
    ),
    (
        "cert.health_food",
        &["保健食品注册证号", "保健食品备案号", "保健食品批准文号"],
    ),
    (
        "cert.medical_device",
        &[
            "医疗器械注册证",
            "医疗器械注册证编号",
            "医疗器械备案凭证编号",
            "医疗器械备案号",
        ],
    ),
    (
        "cert.cosmetics",
        &["特殊化妆品注册证", "普通化妆品备案编号", "化妆品备案编号"],
    ),
    ("cert.drug_approval", &["药品批准文号"]),
    ("cert.ccc", &["ccc证书编号", "3c证书编号", "ccc", "3c"]),
    ("cert.uscc", &["统一社会信用代码"]),
    (
        "cert.food_license_expiry",
        &["食品经营许可证有效期", "食品经营许可证有效期至"],
    ),
    (
        "cert.food_production_expiry",
        &["食品生产许可证有效期", "食品生产许可证有效期至"],
    ),
    (
        "cert.health_food_expiry",
        &["保健食品注册证有效期", "保健食品注册证有效期至"],
    ),
    (
        "cert.medical_device_expiry",
        &["医疗器械注册证有效期", "医疗器械注册证有效期至"],
    ),
    (
        "cert.cosmetics_expiry",
        &["特殊化妆品注册证有效期", "特殊化妆品注册证有效期至"],
    ),
    (
        "cert.drug_approval_expiry",
        &["药品批准文号有效期", "药品批准文号有效期至"],
    ),
    (
        "cert.ccc_expiry",
        &["ccc证书有效期", "ccc证书有效期至", "3c证书有效期"],
    ),
];

/// The field names of a record's headers, and any collisions found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedHeaders {
    /// One field name per header, unique.
    pub names: Vec<FieldName>,
    /// One message per field that several headers mapped to.
    pub collisions: Vec<String>,
}

/// Extra aliases of the `shopify` profile (Shopify's product CSV).
const SHOPIFY_ALIASES: &[(&str, &[&str])] = &[
    ("id", &["handle"]),
    ("description", &["body (html)"]),
    ("brand", &["vendor"]),
    ("category", &["product category"]),
    ("product_type", &["type"]),
    ("price", &["variant price"]),
    ("original_price", &["variant compare at price"]),
    ("variant_sku", &["variant sku"]),
    ("seo_title", &["seo title"]),
    ("seo_description", &["seo description"]),
    ("image_alt", &["image alt text"]),
];

/// Extra aliases of the `taobao` profile (淘宝助理-style data packages,
/// whose second line holds English column names).
const TAOBAO_ALIASES: &[(&str, &[&str])] = &[
    ("id", &["outer_id", "商家编码", "num_id"]),
    ("category_id", &["cid", "宝贝类目"]),
    ("subtitle", &["subtitle"]),
    ("cert.qualification", &["qualification", "商品资质"]),
];

/// A field-mapping profile: which header means which field.
#[derive(Debug, Clone)]
pub struct Profile {
    /// `generic`, `shopify` or `taobao`.
    pub name: &'static str,
    aliases: HashMap<String, FieldName>,
}

/// Names of the built-in profiles.
pub const PROFILE_NAMES: &[&str] = &["generic", "shopify", "taobao"];

impl Profile {
    fn build(name: &'static str, extra: &[(&str, &[&str])]) -> Self {
        let mut aliases = HashMap::new();
        for (canonical, names) in GENERIC_ALIASES.iter().chain(extra) {
            let canonical: FieldName = Arc::from(*canonical);
            aliases.insert(canonical.to_string(), canonical.clone());
            for name in *names {
                aliases.insert(name.to_lowercase(), canonical.clone());
            }
        }
        Self { name, aliases }
    }

    /// The `generic` profile (SPEC §1), shared.
    pub fn generic() -> Arc<Profile> {
        static GENERIC: OnceLock<Arc<Profile>> = OnceLock::new();
        GENERIC
            .get_or_init(|| Arc::new(Self::build("generic", &[])))
            .clone()
    }

    /// A profile without aliases: every header is its own field (trimmed).
    /// Order exports are read with it, so their columns keep the names
    /// their documentation gives.
    pub fn bare(name: &'static str) -> Profile {
        Self {
            name,
            aliases: HashMap::new(),
        }
    }

    /// A built-in profile by name.
    pub fn named(name: &str) -> Option<Profile> {
        match name {
            "generic" => Some(Self::build("generic", &[])),
            "shopify" => Some(Self::build("shopify", SHOPIFY_ALIASES)),
            "taobao" => Some(Self::build("taobao", TAOBAO_ALIASES)),
            _ => None,
        }
    }

    /// Adds `--map FIELD=HEADER` overrides: the header means the field.
    pub fn map(&mut self, field: &str, header: &str) {
        self.aliases
            .insert(header.trim().to_lowercase(), Arc::from(field.trim()));
    }

    /// The field a header maps to, if the profile knows it.
    pub fn field_of(&self, header: &str) -> Option<&FieldName> {
        self.aliases.get(&header.trim().to_lowercase())
    }
}

/// Maps input headers to field names, sharing one allocation per name.
#[derive(Debug, Clone)]
pub struct FieldMapper {
    profile: Arc<Profile>,
    cache: HashMap<String, FieldName>,
    /// The key seen at each position of the previous record, for
    /// [`Self::field_for_at`].
    by_position: Vec<(String, FieldName)>,
    /// The names at positions `0..distinct_through` of `by_position` are
    /// known to differ from each other: a record whose keys are all found
    /// there, as most records of an export are, needs no comparing.
    distinct_through: usize,
}

impl Default for FieldMapper {
    fn default() -> Self {
        Self::generic()
    }
}

impl FieldMapper {
    /// A mapper for the `generic` profile. Cheap: the profile is built once
    /// per process and shared.
    pub fn generic() -> Self {
        Self::new(Profile::generic())
    }

    /// A mapper for a profile.
    pub fn new(profile: Arc<Profile>) -> Self {
        Self {
            profile,
            cache: HashMap::new(),
            by_position: Vec::new(),
            distinct_through: 0,
        }
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Maps a record's flattened `(key, value)` pairs to fields, as
    /// [`Self::map_headers`] maps the keys; each collision becomes an
    /// `input/column-collision` warning, naming `line` when given.
    pub fn map_pairs<K: AsRef<str>>(
        &mut self,
        pairs: Vec<(K, String)>,
        line: Option<u64>,
        problems: &mut Vec<InputProblem>,
    ) -> Vec<(FieldName, String)> {
        let mapped = self.map_headers(pairs.iter().map(|(k, _)| k.as_ref()));
        problems.extend(mapped.collisions.into_iter().map(|c| {
            InputProblem::warning(
                "input/column-collision",
                match line {
                    Some(line) => format!("line {line}: {c}"),
                    None => c,
                },
            )
        }));
        mapped
            .names
            .into_iter()
            .zip(pairs.into_iter().map(|(_, v)| v))
            .collect()
    }

    /// Maps a record's headers (or keys) to field names, keeping names
    /// unique. When several headers map to one field, a header that is the
    /// field's own name (`title`) wins over an alias (`name`, `商品标题`),
    /// else the first one; the others keep their own header as their name
    /// and are described in the returned messages.
    pub fn map_headers<'h>(&mut self, headers: impl IntoIterator<Item = &'h str>) -> MappedHeaders {
        let raw: Vec<&str> = headers.into_iter().collect();
        let mut known = true;
        let mut names: Vec<FieldName> = raw
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let (name, seen) = self.field_at(i, h);
                known &= seen;
                name
            })
            .collect();
        // The usual record: every key a different field (known to be, for
        // keys all seen at their places in a record checked before).
        if (known && names.len() <= self.distinct_through) || all_distinct(&names) {
            if names.len() <= self.by_position.len() {
                self.distinct_through = self.distinct_through.max(names.len());
            }
            return MappedHeaders {
                names,
                collisions: Vec::new(),
            };
        }
        // Positions of each field, in order of first appearance (a hash
        // map, so that a record of many keys costs linear time).
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_of: HashMap<FieldName, usize> = HashMap::new();
        for (j, name) in names.iter().enumerate() {
            let group = *group_of.entry(name.clone()).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[group].push(j);
        }
        let mut collisions = Vec::new();
        for same in groups.into_iter().filter(|same| same.len() > 1) {
            let i = same[0];
            let field = names[i].clone();
            let winner = same
                .iter()
                .copied()
                .find(|&j| raw[j].trim().eq_ignore_ascii_case(&field))
                .unwrap_or(i);
            for &j in same.iter().filter(|&&j| j != winner) {
                names[j] = Arc::from(raw[j].trim());
            }
            let others: Vec<String> = same
                .iter()
                .filter(|&&j| j != winner)
                .map(|&j| format!("`{}`", raw[j].trim()))
                .collect();
            collisions.push(format!(
                "columns `{}` and {} all mean field `{field}`: `{}` is used; {} keep their own names and are not scanned as `{field}`",
                raw[winner].trim(),
                others.join(", "),
                raw[winner].trim(),
                others.join(", "),
            ));
        }
        MappedHeaders { names, collisions }
    }

    /// Like [`Self::field_for`], for the header at `position` of a record.
    /// Records of one export almost always repeat the same keys in the same
    /// order, so comparing with the previous record's key at that position
    /// usually answers without hashing.
    pub fn field_for_at(&mut self, position: usize, header: &str) -> FieldName {
        self.field_at(position, header).0
    }

    /// [`Self::field_for_at`], and whether the previous record had the
    /// same key at `position`.
    fn field_at(&mut self, position: usize, header: &str) -> (FieldName, bool) {
        if let Some((seen, name)) = self.by_position.get(position) {
            if seen == header {
                return (name.clone(), true);
            }
        }
        let name = self.field_for(header);
        if position < self.by_position.len() {
            self.by_position[position] = (header.to_owned(), name.clone());
            self.distinct_through = self.distinct_through.min(position);
        } else if position == self.by_position.len() && position < MAPPER_CACHE_LIMIT {
            self.by_position.push((header.to_owned(), name.clone()));
        }
        (name, false)
    }

    /// The field name for an input header.
    pub fn field_for(&mut self, header: &str) -> FieldName {
        if let Some(name) = self.cache.get(header) {
            return name.clone();
        }
        // A copy of the mapper's own rather than the profile's shared
        // name: each worker has its own mapper, and threads that clone and
        // drop one `Arc` for every record fight over its reference count.
        let name: FieldName = match self.profile.field_of(header) {
            Some(field) => Arc::from(&**field),
            None => Arc::from(header.trim()),
        };
        // Bounded: records with ever new keys must not grow it forever.
        if self.cache.len() >= MAPPER_CACHE_LIMIT {
            self.cache.clear();
        }
        self.cache.insert(header.to_owned(), name.clone());
        name
    }
}

/// How many headers, and how many characters of each, an
/// `input/no-text-fields` message quotes.
const HEADERS_QUOTED: usize = 12;
const HEADER_CHARS_QUOTED: usize = 40;

/// An `input/no-text-fields` error when no header (`names`: the fields they
/// map to) maps to any of `text_fields`, the fields rules scan for
/// wording: such a file would pass every wording rule unread, which is
/// usually a header in an unexpected encoding or language. `None` when one
/// does, or when no field is required.
pub fn no_text_field_problem(
    line: u64,
    headers: &[String],
    names: &[FieldName],
    text_fields: &[FieldName],
) -> Option<InputProblem> {
    if text_fields.is_empty() || names.iter().any(|name| text_fields.contains(name)) {
        return None;
    }
    let mut seen: Vec<String> = headers
        .iter()
        .take(HEADERS_QUOTED)
        .map(|header| {
            let mut quoted: String = header.chars().take(HEADER_CHARS_QUOTED).collect();
            if quoted.len() < header.len() {
                quoted.push('…');
            }
            format!("`{quoted}`")
        })
        .collect();
    if headers.len() > HEADERS_QUOTED {
        seen.push(format!("and {} more", headers.len() - HEADERS_QUOTED));
    }
    let fields: Vec<&str> = text_fields.iter().map(|f| &**f).collect();
    Some(InputProblem::error(
        "input/no-text-fields",
        format!(
            "line {line}: no column of the header maps to a field scanned for wording ({}), \
             so no wording rule can check this file; headers seen: {}. Map a column with \
             --map FIELD=HEADER (e.g. --map title=商品名) or choose --profile; a header that \
             looks garbled is read in the wrong encoding (--encoding)",
            fields.join(", "),
            seen.join(", ")
        ),
        None,
    ))
}

/// How many header names a [`FieldMapper`] remembers (by name, and by
/// position in the record).
const MAPPER_CACHE_LIMIT: usize = 4096;

/// Whether no two names are the same: compared pairwise for the usual
/// short record, through a hash set beyond that.
fn all_distinct(names: &[FieldName]) -> bool {
    if names.len() <= 24 {
        return names.iter().enumerate().all(|(i, a)| {
            names[..i]
                .iter()
                .all(|b| !Arc::ptr_eq(a, b) && (a.len() != b.len() || a != b))
        });
    }
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    names.iter().all(|name| seen.insert(&**name))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A mapper that has seen earlier records maps each record as a
        /// fresh one does: names and collisions, whatever keys repeat,
        /// change places or collide (`title` and its alias `宝贝名称`).
        #[test]
        fn records_map_alike_whatever_came_before(
            records in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec!["title", "宝贝名称", "price", "brand", "sku", "id", "x"]),
                    0..6,
                ),
                1..12,
            ),
        ) {
            let mut seasoned = FieldMapper::generic();
            for keys in &records {
                let seen = seasoned.map_headers(keys.iter().copied());
                let fresh = FieldMapper::generic().map_headers(keys.iter().copied());
                proptest::prop_assert_eq!(&seen.names, &fresh.names, "{:?}", keys);
                proptest::prop_assert_eq!(&seen.collisions, &fresh.collisions, "{:?}", keys);
            }
        }
    }

    #[test]
    fn maps_aliases_case_insensitively() {
        let mut m = FieldMapper::generic();
        assert_eq!(&*m.field_for(" Body (HTML) "), "description");
        assert_eq!(&*m.field_for("宝贝名称"), "title");
        assert_eq!(&*m.field_for("SKU"), "id");
        assert_eq!(&*m.field_for("Variant Compare At Price"), "original_price");
        assert_eq!(&*m.field_for("CCC证书编号"), "cert.ccc");
    }

    #[test]
    fn positional_lookups_agree_with_plain_ones() {
        let mut m = FieldMapper::generic();
        assert_eq!(&*m.field_for_at(0, "sku"), "id");
        assert_eq!(&*m.field_for_at(0, "sku"), "id");
        assert_eq!(&*m.field_for_at(0, "name"), "title");
        assert_eq!(&*m.field_for_at(5, "卖点"), "subtitle");
    }

    #[test]
    fn colliding_headers_prefer_the_exact_field_name() {
        let mut m = FieldMapper::generic();
        let mapped = m.map_headers(["name", "title", "sku"]);
        let names: Vec<&str> = mapped.names.iter().map(|n| &**n).collect();
        assert_eq!(names, ["name", "title", "id"]);
        assert_eq!(mapped.collisions.len(), 1);
        assert!(mapped.collisions[0].contains("`title` is used"));
        let mapped = m.map_headers(["商品标题", "宝贝名称"]);
        let names: Vec<&str> = mapped.names.iter().map(|n| &**n).collect();
        assert_eq!(names, ["title", "宝贝名称"]);
        assert!(m.map_headers(["id", "title"]).collisions.is_empty());
    }

    #[test]
    fn shopify_and_taobao_profiles_and_overrides() {
        let mut shopify = FieldMapper::new(Arc::new(Profile::named("shopify").unwrap()));
        let names = shopify.map_headers([
            "Handle",
            "Title",
            "Product Category",
            "Type",
            "Variant Compare At Price",
        ]);
        let names: Vec<&str> = names.names.iter().map(|n| &**n).collect();
        assert_eq!(
            names,
            ["id", "title", "category", "product_type", "original_price"]
        );
        let mut taobao = Profile::named("taobao").unwrap();
        taobao.map("promo_text", "活动文案");
        let mut mapper = FieldMapper::new(Arc::new(taobao));
        assert_eq!(&*mapper.field_for("outer_id"), "id");
        assert_eq!(&*mapper.field_for("活动文案"), "promo_text");
        assert!(Profile::named("amazon").is_none());
    }

    #[test]
    fn a_header_without_text_fields_is_a_problem() {
        let text: Vec<FieldName> = vec![Arc::from("title"), Arc::from("description")];
        let mut m = FieldMapper::generic();
        let headers = ["sku".to_owned(), "价格".to_owned()];
        let mapped = m.map_headers(headers.iter().map(String::as_str));
        let problem = no_text_field_problem(1, &headers, &mapped.names, &text).unwrap();
        assert_eq!(problem.rule, "input/no-text-fields");
        assert!(
            problem.message.contains("`sku`, `价格`"),
            "{}",
            problem.message
        );
        let headers = ["sku".to_owned(), "商品名称".to_owned()];
        let mapped = m.map_headers(headers.iter().map(String::as_str));
        assert!(no_text_field_problem(1, &headers, &mapped.names, &text).is_none());
        assert!(no_text_field_problem(1, &headers[..1], &mapped.names[..1], &[]).is_none());
    }

    #[test]
    fn unknown_headers_keep_their_name() {
        let mut m = FieldMapper::generic();
        assert_eq!(&*m.field_for(" 产地 "), "产地");
    }
}
