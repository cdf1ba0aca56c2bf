//! Per-worker copies of the ruleset's shared strings.
//!
//! A finding carries its rule's id, pack, category and help, its field name
//! and its file name as `Arc<str>`. When several threads clone one `Arc` for
//! every finding, each clone moves the reference count's cache line from
//! core to core; on two cores that cost about 7% of a large run. Each
//! worker's [`LocalStrings`] hands out clones of a copy of its own instead,
//! so threads never share a count.

use std::sync::Arc;

use crate::ptr_map::PtrMap;

/// Most strings remembered before the copies are dropped and made again
/// (bounds memory when many files pass through one worker).
const LIMIT: usize = 4096;

/// A worker's copies of shared strings, by the address of the original.
#[derive(Debug, Default)]
pub struct LocalStrings {
    /// Original (kept so its address is not reused while the entry
    /// exists) and this worker's copy.
    copies: PtrMap<(Arc<str>, Arc<str>)>,
}

impl LocalStrings {
    /// A clone of this worker's copy of `shared`.
    pub fn get(&mut self, shared: &Arc<str>) -> Arc<str> {
        let key = Arc::as_ptr(shared) as *const u8 as usize;
        if let Some((_, copy)) = self.copies.get(&key) {
            return copy.clone();
        }
        if self.copies.len() >= LIMIT {
            self.copies.clear();
        }
        let copy: Arc<str> = Arc::from(&**shared);
        self.copies.insert(key, (shared.clone(), copy.clone()));
        copy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_equal_strings_in_allocations_of_their_own() {
        let mut local = LocalStrings::default();
        let shared: Arc<str> = Arc::from("absolute/superlative");
        let a = local.get(&shared);
        let b = local.get(&shared);
        assert_eq!(&*a, "absolute/superlative");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &shared));
        let other: Arc<str> = Arc::from("pricing/discount-claim-mismatch");
        assert_eq!(&*local.get(&other), "pricing/discount-claim-mismatch");
    }
}
