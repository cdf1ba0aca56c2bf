//! Text as rules see it: the visible text of HTML descriptions, the
//! normalised text (width, case, traditional → simplified, invisible
//! characters and separators) with a map back to the original, and
//! character-to-byte offsets of field values.

pub mod char_offsets;
pub mod html;
pub mod normalize;
pub mod t2s;
