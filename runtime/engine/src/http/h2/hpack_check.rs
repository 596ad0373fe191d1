//! HPACK decoding errors, found in front of `h2`: RFC 7541 makes them connection errors of type
//! COMPRESSION_ERROR, and `h2` reports them as PROTOCOL_ERROR. The frame guard gives each
//! complete header block from the client to `HpackCheck::block`, which walks its
//! representations without decoding any string.
//!
//! It keeps a shadow of the client's dynamic table: a *lower bound* of each entry's size (a
//! Huffman-coded string's decoded length is not known without decoding it). With sizes no
//! larger than the real ones, the shadow holds at least as many entries as the real table (both
//! keep the longest run of recent entries that fits), so an index past the shadow is past the
//! real table too. Errors are therefore reported only where they are certain; anything else is
//! left to `h2`.

use std::collections::VecDeque;

/// Entries of the static table (RFC 7541 Appendix A).
const STATIC_ENTRIES: u64 = 61;

/// The table size our SETTINGS allow the client's encoder (we never change the default).
const TABLE_LIMIT: u64 = 4096;

/// An entry's size is its name and value lengths plus this (RFC 7541 §4.1).
const ENTRY_OVERHEAD: usize = 32;

pub struct HpackCheck {
    /// Lower bounds of the dynamic table's entry sizes, oldest first, and their sum.
    entries: VecDeque<usize>,
    size: usize,
    /// The table's maximum size, as the client last set it.
    max: usize,
}

impl Default for HpackCheck {
    fn default() -> Self {
        HpackCheck { entries: VecDeque::new(), size: 0, max: TABLE_LIMIT as usize }
    }
}

impl HpackCheck {
    /// Walks one complete header block, updating the shadow table; false when the block cannot
    /// be decoded (an index of 0 or past the tables, a table size update after a field or over
    /// the limit, a truncated representation).
    pub fn block(&mut self, b: &[u8]) -> bool {
        let mut r = Reader { b, pos: 0 };
        let mut at_start = true;
        while let Some(&first) = b.get(r.pos) {
            if first & 0x80 != 0 {
                // Indexed field.
                let Some(i) = r.int(7) else { return false };
                if !self.valid(i) {
                    return false;
                }
            } else if first & 0x40 != 0 {
                // Literal with incremental indexing: the field becomes an entry.
                let Some(name) = self.name(&mut r, 6) else { return false };
                let Some(value) = r.string() else { return false };
                self.insert(name + value + ENTRY_OVERHEAD);
            } else if first & 0x20 != 0 {
                // Dynamic table size update: only before the first field (§4.2).
                if !at_start {
                    return false;
                }
                match r.int(5) {
                    Some(n) if n <= TABLE_LIMIT => {
                        self.max = n as usize;
                        self.evict_to(self.max);
                    }
                    _ => return false,
                }
                continue;
            } else {
                // Literal without indexing, or never indexed.
                if self.name(&mut r, 4).is_none() || r.string().is_none() {
                    return false;
                }
            }
            at_start = false;
        }
        true
    }

    /// A literal's name: a table index (its length counts as 0 in the lower bound) or a string.
    fn name(&self, r: &mut Reader<'_>, prefix: u32) -> Option<usize> {
        match r.int(prefix)? {
            0 => r.string(),
            i if self.valid(i) => Some(0),
            _ => None,
        }
    }

    fn valid(&self, index: u64) -> bool {
        index != 0 && index <= STATIC_ENTRIES + self.entries.len() as u64
    }

    fn insert(&mut self, size: usize) {
        if size > self.max {
            // An entry larger than the table empties it (§4.4).
            self.entries.clear();
            self.size = 0;
            return;
        }
        self.evict_to(self.max - size);
        self.entries.push_back(size);
        self.size += size;
    }

    fn evict_to(&mut self, room: usize) {
        while self.size > room {
            match self.entries.pop_front() {
                Some(s) => self.size -= s,
                None => break,
            }
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    /// An integer with an `n`-bit prefix (§5.1); None when it runs past the block or is too
    /// large to be anything but an error where it stands.
    #[inline]
    fn int(&mut self, n: u32) -> Option<u64> {
        let mask = (1u64 << n) - 1;
        let mut v = u64::from(*self.b.get(self.pos)?) & mask;
        self.pos += 1;
        if v < mask {
            return Some(v);
        }
        let mut shift = 0;
        loop {
            let c = *self.b.get(self.pos)?;
            self.pos += 1;
            v += u64::from(c & 0x7f) << shift;
            if c & 0x80 == 0 {
                return Some(v);
            }
            shift += 7;
            if shift > 49 {
                return None;
            }
        }
    }

    /// Skips a string literal (§5.2); returns a lower bound of its decoded length. None when it
    /// runs past the block.
    fn string(&mut self) -> Option<usize> {
        let huffman = *self.b.get(self.pos)? & 0x80 != 0;
        let len = usize::try_from(self.int(7)?).ok()?;
        if len > self.b.len() - self.pos {
            return None;
        }
        self.pos += len;
        // No Huffman code is longer than 30 bits, and at most 7 bits are padding.
        Some(if huffman { (len * 8).saturating_sub(7) / 30 } else { len })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A literal with incremental indexing of a new name.
    fn indexed_literal(name: &str, value: &str) -> Vec<u8> {
        let mut b = vec![0x40, name.len() as u8];
        b.extend_from_slice(name.as_bytes());
        b.push(value.len() as u8);
        b.extend_from_slice(value.as_bytes());
        b
    }

    #[test]
    fn static_and_dynamic_indexes_are_checked_against_the_tables() {
        let mut h = HpackCheck::default();
        assert!(h.block(&[0x82, 0x84, 0x86]));
        assert!(!h.block(&[0x80]), "index 0");
        assert!(!h.block(&[0x80 | 62]), "index 62 with an empty dynamic table");
        assert!(h.block(&indexed_literal("x-a", "1")));
        assert!(h.block(&[0x80 | 62]), "index 62 is the entry just added");
        assert!(!h.block(&[0x80 | 63]));
        // A literal whose name refers to a missing entry.
        assert!(!h.block(&[0x40 | 63, 0x01, b'v']));
    }

    #[test]
    fn evicted_entries_are_gone_and_size_updates_come_first_and_within_the_limit() {
        let mut h = HpackCheck::default();
        // Shrinking the table to 40 bytes keeps one 36-byte entry at most.
        assert!(h.block(&[0x20 | 0x1f, 40 - 31]));
        assert!(h.block(&indexed_literal("a", "b")));
        assert!(h.block(&indexed_literal("c", "d")));
        assert!(h.block(&[0x80 | 62]));
        assert!(!h.block(&[0x80 | 63]), "the older entry was evicted");
        assert!(h.block(&[0x3f, 0xe1, 0x1f]), "back to 4096");
        assert!(!h.block(&[0x3f, 0xe2, 0x1f]), "4097 is over the limit");
        assert!(!h.block(&[0x82, 0x20]), "an update after a field");
    }

    #[test]
    fn truncated_blocks_fail_and_huffman_strings_never_overcount() {
        let mut h = HpackCheck::default();
        assert!(!h.block(&[0x40, 0x05, b'a']), "a name running past the block");
        assert!(!h.block(&[0xff]), "an integer cut short");
        // A Huffman-coded value counts low, so the entry stays (a real one might be larger
        // and push older ones out; the shadow must never have fewer entries than the table).
        assert!(h.block(&[0x40, 0x01, b'n', 0x83, 0xff, 0xff, 0xff]));
        assert!(h.block(&[0x80 | 62]));
    }
}
