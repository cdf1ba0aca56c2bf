//! What the writers of a cache folder agree on: the automaton cache
//! (`engine::automaton_cache`) and the result cache (`listlint-io`) both
//! write a temporary file and rename it into place, and both remove such a
//! file when a run killed while writing it left it behind.

use std::time::{Duration, SystemTime};

/// A temporary file this old was left by a run killed while writing it (a
/// write takes milliseconds), not one being written.
pub const STALE_TEMPORARY: Duration = Duration::from_secs(600);

/// Whether a temporary file last modified at `modified` is stale at `now`
/// (see [`STALE_TEMPORARY`]); a time in the future is not.
pub fn is_stale_temporary(modified: SystemTime, now: SystemTime) -> bool {
    now.duration_since(modified)
        .is_ok_and(|age| age > STALE_TEMPORARY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_older_than_the_limit_are_stale() {
        let now = SystemTime::now();
        assert!(is_stale_temporary(now - 2 * STALE_TEMPORARY, now));
        assert!(!is_stale_temporary(now - STALE_TEMPORARY / 2, now));
        assert!(!is_stale_temporary(now + STALE_TEMPORARY, now));
    }
}
