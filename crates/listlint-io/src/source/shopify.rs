//! Shopify product CSVs: one row per variant, the product's own fields only
//! on its first row. Consecutive rows with the same `Handle` whose title is
//! empty are variants of the product above and are merged into it.
//!
//! The merged listing keeps the first row's fields and line; its `price` and
//! `original_price` become the range of the variants' prices (`99-129`)
//! when they differ, and `variants` counts the rows. Each row's own values
//! stay available as `variant.N.FIELD` (the first row: its two prices; the
//! others: every field), with `variant.N.line` and `variant.N.label` (its
//! SKU, else its option value), N counting the product's rows from 1; price
//! rules check the product as a whole and every variant.
//! Input problems of any row are kept.

use std::iter::Peekable;

use super::{RawRecord, RawRecords};
use listlint_core::listing::Listing;
use listlint_core::money::{parse_price, Money};

/// Groups variant rows into their product.
pub struct GroupVariants {
    inner: Peekable<RawRecords>,
}

impl GroupVariants {
    /// Wraps raw records of a Shopify CSV.
    pub fn new(inner: RawRecords) -> Self {
        Self {
            inner: inner.peekable(),
        }
    }
}

fn is_variant_of(product: &Listing, row: &RawRecord) -> bool {
    let RawRecord::Parsed(row) = row else {
        return false;
    };
    row.id().is_some()
        && row.id() == product.id()
        && row.get("title").is_none_or(|t| t.trim().is_empty())
}

/// The range of the prices found in `field` of the product and its variants.
fn price_range(rows: &[&Listing], field: &str) -> Option<String> {
    let prices: Vec<Money> = rows
        .iter()
        .filter_map(|r| r.get(field))
        .filter_map(|v| parse_price(v).ok()?.amount())
        .collect();
    let (low, high) = (prices.iter().min()?, prices.iter().max()?);
    let yuan = |m: &Money| m.to_string().trim_start_matches('¥').to_owned();
    Some(if low == high {
        yuan(low)
    } else {
        format!("{}-{}", yuan(low), yuan(high))
    })
}

impl Iterator for GroupVariants {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        let first = self.inner.next()?;
        let RawRecord::Parsed(mut product) = first else {
            return Some(first);
        };
        let mut variants = Vec::new();
        while self
            .inner
            .peek()
            .is_some_and(|r| is_variant_of(&product, r))
        {
            if let Some(RawRecord::Parsed(v)) = self.inner.next() {
                variants.push(v);
            }
        }
        if variants.is_empty() {
            return Some(RawRecord::Parsed(product));
        }
        let rows: Vec<&Listing> = std::iter::once(&product).chain(&variants).collect();
        let price = price_range(&rows, "price");
        let original = price_range(&rows, "original_price");
        let count = rows.len();
        // Each pushed field's value and, for the product's own row (the
        // record's first line), where it is written.
        let mut per_variant: Vec<(String, String, Option<u32>)> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let n = i + 1;
            // The product's own row keeps its other fields on the product;
            // a variant row's fields (prices, SKU, options, any custom
            // price column) all become `variant.N.*`.
            for (index, (name, value)) in row.fields.iter().enumerate() {
                let wanted = if n == 1 {
                    &**name == "price" || &**name == "original_price"
                } else {
                    &**name != "id"
                };
                if wanted && !value.trim().is_empty() {
                    let column = if n == 1 { row.column_at(index) } else { None };
                    per_variant.push((format!("variant.{n}.{name}"), value.clone(), column));
                }
            }
            per_variant.push((format!("variant.{n}.line"), row.line.to_string(), None));
            let option = || {
                row.fields
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case("option1 value"))
                    .map(|(_, value)| value.as_str())
            };
            let label = row
                .get("variant_sku")
                .or_else(option)
                .filter(|v| !v.trim().is_empty())
                .map_or_else(|| format!("#{n}"), str::to_owned);
            per_variant.push((format!("variant.{n}.label"), label, None));
        }
        for (field, value) in [("price", price), ("original_price", original)] {
            if let Some(value) = value {
                match product.fields.iter().position(|(n, _)| &**n == field) {
                    Some(index) => {
                        // A range of the variants' prices is written nowhere.
                        product.fields[index].1 = value;
                        if let Some(column) = product.value_columns.get_mut(index) {
                            *column = 0;
                        }
                    }
                    None => product.push_field(field.into(), value),
                }
            }
        }
        product.push_field("variants".into(), count.to_string());
        for (name, value, column) in per_variant {
            product.push_field(name.into(), value);
            if let Some(column) = column {
                let index = product.fields.len() - 1;
                product.value_columns.resize(index, 0);
                product.value_columns.push(column);
            }
        }
        for variant in variants {
            product.problems.extend(variant.problems);
        }
        Some(RawRecord::Parsed(product))
    }
}
