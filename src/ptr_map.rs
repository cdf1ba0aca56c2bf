//! Hash maps keyed by the address of a shared value.
//!
//! Caches that remember something per `Arc` (its escaped JSON, a worker's
//! copy) look it up several times per finding; the standard hasher is built
//! to resist crafted keys, which an address is not, and costs more than the
//! rest of the lookup.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from an address (`Arc::as_ptr(..) as *const u8 as usize`) to `V`.
pub type PtrMap<V> = HashMap<usize, V, BuildHasherDefault<AddressHasher>>;

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
}
