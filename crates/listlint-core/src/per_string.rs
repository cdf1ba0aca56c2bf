//! Caches keyed by the address of a shared string.
//!
//! Caches that remember something per `Arc<str>` (its escaped JSON, a
//! worker's copy) look it up several times per finding; the standard hasher
//! is built to resist crafted keys, which an address is not, and costs more
//! than the rest of the lookup.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// A map from an address (`Arc::as_ptr(..) as *const u8 as usize`) to `V`.
pub type PtrMap<V> = HashMap<usize, V, BuildHasherDefault<AddressHasher>>;

/// Most strings a [`PerString`] remembers before it starts again, which
/// bounds its memory however many distinct strings pass through.
pub const PER_STRING_LIMIT: usize = 4096;

/// A value made once per shared string and remembered by the string's
/// address. The string is kept alive while its entry exists, so another
/// string cannot take its address and be given its value.
#[derive(Debug)]
pub struct PerString<V> {
    entries: PtrMap<(Arc<str>, V)>,
}

impl<V> Default for PerString<V> {
    fn default() -> Self {
        Self {
            entries: PtrMap::default(),
        }
    }
}

impl<V> PerString<V> {
    /// The value for `shared`, made by `make` on first sight.
    pub fn get_or_make(&mut self, shared: &Arc<str>, make: impl FnOnce(&str) -> V) -> &V {
        let key = Arc::as_ptr(shared) as *const u8 as usize;
        if self.entries.len() >= PER_STRING_LIMIT && !self.entries.contains_key(&key) {
            self.entries.clear();
        }
        &self
            .entries
            .entry(key)
            .or_insert_with(|| (shared.clone(), make(shared)))
            .1
    }

    /// Number of strings remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no string is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Mixes an address with one folded multiplication, so the low bits that
/// alignment leaves at zero are as varied as the rest.
#[derive(Debug, Default, Clone, Copy)]
pub struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_usize(&mut self, address: usize) {
        self.write_u64(address as u64);
    }

    fn write_u64(&mut self, value: u64) {
        // A folded multiply: both halves of the 128-bit product, so every
        // input bit reaches every output bit.
        let product = u128::from(self.0 ^ value) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_addresses_spread_over_low_bits() {
        let hash = |a: usize| {
            let mut h = AddressHasher::default();
            h.write_usize(a);
            h.finish()
        };
        let low: std::collections::HashSet<u64> = (0..64)
            .map(|i| hash(0x7f00_0000_0000 + i * 64) & 63)
            .collect();
        assert!(low.len() > 32, "{low:?}");
        let mut map: PtrMap<u32> = PtrMap::default();
        map.insert(0x1000, 1);
        map.insert(0x2000, 2);
        assert_eq!(map.get(&0x2000), Some(&2));
    }

    #[test]
    fn per_string_values_are_made_once_and_memory_stays_bounded() {
        let mut cache: PerString<usize> = PerString::default();
        let shared: Arc<str> = Arc::from("title");
        let mut made = 0;
        for _ in 0..3 {
            cache.get_or_make(&shared, |s| {
                made += 1;
                s.len()
            });
        }
        assert_eq!(made, 1);
        for i in 0..PER_STRING_LIMIT * 2 {
            let other: Arc<str> = Arc::from(format!("field-{i}"));
            assert_eq!(*cache.get_or_make(&other, str::len), other.len());
        }
        assert!(cache.len() <= PER_STRING_LIMIT);
    }
}
