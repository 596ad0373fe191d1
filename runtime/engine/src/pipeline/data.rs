//! `Data`: a byte stream as a rope of shared, immutable chunks.
//!
//! Chunks are `bytes::Bytes`, so passing Data between filters, splitting it or prepending to it
//! copies no bytes: only chunk handles are cloned. The JS class of the same name wraps one of these.

use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;

#[derive(Default)]
pub struct Data {
    chunks: VecDeque<Bytes>,
    size: usize,
}

thread_local! {
    /// Chunks held by this thread's Data ropes (`pipy_chunk_count`): a chunk shared by two
    /// ropes counts twice, as each holds it.
    static CHUNKS: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
}

fn count_chunks(n: isize) {
    // At thread exit the counter may be gone already: nothing to count then.
    let _ = CHUNKS.try_with(|c| c.set(c.get() + n));
}

/// Chunks held by this thread's Data ropes now.
pub fn live_chunks() -> usize {
    CHUNKS.with(|c| c.get().max(0) as usize)
}

impl Clone for Data {
    fn clone(&self) -> Data {
        count_chunks(self.chunks.len() as isize);
        Data { chunks: self.chunks.clone(), size: self.size }
    }
}

impl Drop for Data {
    fn drop(&mut self) {
        if !self.chunks.is_empty() {
            count_chunks(-(self.chunks.len() as isize));
        }
    }
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Data[{}]", self.size)
    }
}

impl From<Bytes> for Data {
    fn from(b: Bytes) -> Data {
        let mut d = Data::new();
        d.push_bytes(b);
        d
    }
}

impl From<&[u8]> for Data {
    fn from(b: &[u8]) -> Data {
        Data::from(Bytes::copy_from_slice(b))
    }
}

impl From<Vec<u8>> for Data {
    fn from(b: Vec<u8>) -> Data {
        Data::from(Bytes::from(b))
    }
}

impl From<&str> for Data {
    fn from(s: &str) -> Data {
        Data::from(s.as_bytes())
    }
}

impl Data {
    pub fn new() -> Data {
        Data::default()
    }

    pub fn len(&self) -> usize {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    pub fn chunks(&self) -> impl Iterator<Item = &Bytes> {
        self.chunks.iter()
    }

    pub fn push_bytes(&mut self, b: Bytes) {
        if !b.is_empty() {
            self.size += b.len();
            self.chunks.push_back(b);
            count_chunks(1);
        }
    }

    pub fn push(&mut self, other: &Data) {
        for c in &other.chunks {
            self.push_bytes(c.clone());
        }
    }

    pub fn push_data(&mut self, mut other: Data) {
        let chunks = std::mem::take(&mut other.chunks);
        count_chunks(-(chunks.len() as isize));
        for c in chunks {
            self.push_bytes(c);
        }
    }

    pub fn unshift(&mut self, mut other: Data) {
        // The chunks move from `other` to here: the count stays.
        for c in std::mem::take(&mut other.chunks).into_iter().rev() {
            self.size += c.len();
            self.chunks.push_front(c);
        }
    }

    pub fn clear(&mut self) {
        count_chunks(-(self.chunks.len() as isize));
        self.chunks.clear();
        self.size = 0;
    }

    /// Removes and returns the first `n` bytes (fewer if there are fewer).
    pub fn shift(&mut self, n: usize) -> Data {
        let mut out = Data::new();
        let mut left = n.min(self.size);
        while left > 0 {
            let Some(mut c) = self.chunks.pop_front() else { break };
            count_chunks(-1);
            if c.len() <= left {
                left -= c.len();
                self.size -= c.len();
                out.push_bytes(c);
            } else {
                let head = c.split_to(left);
                self.size -= left;
                left = 0;
                out.push_bytes(head);
                self.chunks.push_front(c);
                count_chunks(1);
            }
        }
        out
    }

    /// Removes and returns the last `n` bytes.
    pub fn pop(&mut self, n: usize) -> Data {
        let keep = self.size - n.min(self.size);
        let head = self.shift(keep);
        std::mem::replace(self, head)
    }

    /// Removes bytes up to and including the first one for which `f` is true.
    pub fn shift_to(&mut self, mut f: impl FnMut(u8) -> bool) -> Data {
        let mut count = 0;
        let mut found = false;
        'outer: for c in &self.chunks {
            for &b in c.iter() {
                count += 1;
                if f(b) {
                    found = true;
                    break 'outer;
                }
            }
        }
        if !found {
            count = self.size;
        }
        self.shift(count)
    }

    /// Removes the leading bytes for which `f` is true.
    pub fn shift_while(&mut self, mut f: impl FnMut(u8) -> bool) -> Data {
        let mut count = 0;
        'outer: for c in &self.chunks {
            for &b in c.iter() {
                if !f(b) {
                    break 'outer;
                }
                count += 1;
            }
        }
        self.shift(count)
    }

    /// The bytes as one contiguous buffer (copies unless there is a single chunk).
    pub fn to_bytes(&self) -> Bytes {
        match self.chunks.len() {
            0 => Bytes::new(),
            1 => self.chunks[0].clone(),
            _ => {
                let mut b = BytesMut::with_capacity(self.size);
                for c in &self.chunks {
                    b.extend_from_slice(c);
                }
                b.freeze()
            }
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.size);
        for c in &self.chunks {
            v.extend_from_slice(c);
        }
        v
    }

    /// The first `n` bytes without removing them.
    pub fn peek(&self, n: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(n.min(self.size));
        for c in &self.chunks {
            let want = n - v.len();
            if want == 0 {
                break;
            }
            v.extend_from_slice(&c[..want.min(c.len())]);
        }
        v
    }

    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.to_vec()).into_owned()
    }
}

/// Byte encodings accepted by `new Data(string, encoding)` and `Data#toString(encoding)`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Encoding {
    Utf8,
    Utf16Be,
    Utf16Le,
    Hex,
    Base64,
    Base64Url,
}

impl Encoding {
    pub fn parse(name: &str) -> Option<Encoding> {
        Some(match name {
            "utf8" | "utf-8" | "UTF8" | "UTF-8" => Encoding::Utf8,
            "utf16be" => Encoding::Utf16Be,
            "utf16le" => Encoding::Utf16Le,
            "hex" => Encoding::Hex,
            "base64" => Encoding::Base64,
            "base64url" => Encoding::Base64Url,
            _ => return None,
        })
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn encode_base64(bytes: &[u8], url: bool) -> String {
    let table = if url { B64URL } else { B64 };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let idx = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        let emit = chunk.len() + 1;
        for (i, &ix) in idx.iter().enumerate() {
            if i < emit {
                out.push(table[ix as usize] as char);
            } else if !url {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base64 or base64url (either alphabet, padding optional); `None` on a bad character.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for ch in text.bytes() {
        let v = match ch {
            b'A'..=b'Z' => ch - b'A',
            b'a'..=b'z' => ch - b'a' + 26,
            b'0'..=b'9' => ch - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

pub fn encode_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Decodes hex pairs; `None` on a bad digit. An odd trailing digit is ignored.
pub fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    let mut out = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks_exact(2) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out.push((hi * 16 + lo) as u8);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rope(parts: &[&str]) -> Data {
        let mut d = Data::new();
        for p in parts {
            d.push_bytes(Bytes::copy_from_slice(p.as_bytes()));
        }
        d
    }

    #[test]
    fn chunks_are_counted_while_ropes_hold_them() {
        let base = live_chunks();
        {
            let mut d = rope(&["ab", "cd", "ef"]);
            assert_eq!(live_chunks(), base + 3);
            let copy = d.clone();
            assert_eq!(live_chunks(), base + 6);
            let head = d.shift(3); // "ab" + "c", "d" stays: one chunk split in two
            assert_eq!(live_chunks(), base + 7);
            let mut other = Data::from("xy");
            other.push_data(head);
            other.unshift(copy);
            let tail = d.pop(1);
            drop(tail);
            d.clear();
            drop(other);
        }
        assert_eq!(live_chunks(), base);
    }

    #[test]
    fn shift_and_pop_cross_chunks() {
        let mut d = rope(&["hel", "lo ", "world"]);
        assert_eq!(d.len(), 11);
        assert_eq!(d.shift(4).to_vec(), b"hell");
        assert_eq!(d.len(), 7);
        assert_eq!(d.pop(3).to_vec(), b"rld");
        assert_eq!(d.to_vec(), b"o wo");
        assert_eq!(d.shift(100).to_vec(), b"o wo");
        assert!(d.is_empty());
    }

    #[test]
    fn shift_to_and_while() {
        let mut d = rope(&["ab", "c\nde"]);
        assert_eq!(d.shift_to(|b| b == b'\n').to_vec(), b"abc\n");
        assert_eq!(d.to_vec(), b"de");
        let mut d = rope(&["  ", " x"]);
        assert_eq!(d.shift_while(|b| b == b' ').len(), 3);
        assert_eq!(d.to_vec(), b"x");
        let mut d = rope(&["abc"]);
        assert_eq!(d.shift_to(|b| b == b'z').to_vec(), b"abc");
    }

    #[test]
    fn base64_and_hex_round_trip() {
        assert_eq!(encode_base64(b"hello", false), "aGVsbG8=");
        assert_eq!(encode_base64(b"hello", true), "aGVsbG8");
        assert_eq!(encode_base64(&[0xfb, 0xff], false), "+/8=");
        assert_eq!(encode_base64(&[0xfb, 0xff], true), "-_8");
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("-_8").unwrap(), vec![0xfb, 0xff]);
        assert!(decode_base64("a*b").is_none());
        assert_eq!(encode_hex(b"\x01\xab"), "01ab");
        assert_eq!(decode_hex("01AB").unwrap(), vec![1, 0xab]);
        assert!(decode_hex("zz").is_none());
    }
}
