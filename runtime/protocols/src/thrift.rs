//! Thrift messages, sans-IO, in the binary (strict and old) and compact protocols: reading a
//! message header and walking its payload struct to find where the message ends (neither
//! protocol prefixes its length), and writing a header.

use crate::put_varint;

/// The message types by their code less one: `call` is 1, `oneway` 4.
pub const MESSAGE_TYPES: [&str; 4] = ["call", "reply", "exception", "oneway"];
/// The longest message read (a guard: Thrift has no length prefix).
const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// The deepest nesting of structs and containers walked.
const MAX_DEPTH: usize = 64;

/// A message header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The compact protocol (else the binary one).
    pub compact: bool,
    /// The message type, 1 to 4 (see [`MESSAGE_TYPES`]).
    pub kind: u8,
    /// The method name.
    pub name: String,
    /// The sequence id.
    pub seq: i32,
}

/// Where reading stands: not enough bytes, a message (header, payload start, end), or not Thrift.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Not enough bytes yet.
    More,
    /// A message: its header, where its payload struct starts and where the message ends.
    Done(Header, usize, usize),
    /// Not Thrift (or too large or deep to walk).
    Invalid,
}

/// A bounds-checked reader whose reads fail with `More` past the end.
struct R<'a> {
    b: &'a [u8],
    pos: usize,
}

/// A read, or why reading stopped (`More` or `Invalid`).
type Step<T> = Result<T, Parsed>;

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> Step<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(Parsed::Invalid)?;
        if end > MAX_MESSAGE {
            return Err(Parsed::Invalid);
        }
        let s = self.b.get(self.pos..end).ok_or(Parsed::More)?;
        self.pos = end;
        Ok(s)
    }
    fn skip(&mut self, n: usize) -> Step<()> {
        self.take(n).map(|_| ())
    }
    fn u8(&mut self) -> Step<u8> {
        Ok(self.take(1)?[0])
    }
    fn i16(&mut self) -> Step<i16> {
        let s = self.take(2)?;
        Ok(i16::from_be_bytes([s[0], s[1]]))
    }
    fn i32(&mut self) -> Step<i32> {
        let s = self.take(4)?;
        Ok(i32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn varint(&mut self) -> Step<u64> {
        let mut v = 0u64;
        for i in 0..10 {
            let c = self.u8()?;
            v |= u64::from(c & 0x7f) << (7 * i);
            if c & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Parsed::Invalid)
    }
    fn len(&mut self, n: i64) -> Step<usize> {
        if n < 0 { Err(Parsed::Invalid) } else { usize::try_from(n).map_err(|_| Parsed::Invalid) }
    }
}

/// Skips a value of binary-protocol type `t`.
fn skip_binary(r: &mut R<'_>, t: u8, depth: usize) -> Step<()> {
    if depth > MAX_DEPTH {
        return Err(Parsed::Invalid);
    }
    match t {
        2 | 3 => r.skip(1)?,
        4 | 10 => r.skip(8)?,
        6 => r.skip(2)?,
        8 => r.skip(4)?,
        16 => r.skip(16)?,
        11 => {
            let n = r.i32()?;
            let n = r.len(n.into())?;
            r.skip(n)?;
        }
        12 => loop {
            let ft = r.u8()?;
            if ft == 0 {
                break;
            }
            r.i16()?;
            skip_binary(r, ft, depth + 1)?;
        },
        13 => {
            let (kt, vt) = (r.u8()?, r.u8()?);
            let n = r.i32()?;
            for _ in 0..r.len(n.into())? {
                skip_binary(r, kt, depth + 1)?;
                skip_binary(r, vt, depth + 1)?;
            }
        }
        14 | 15 => {
            let et = r.u8()?;
            let n = r.i32()?;
            for _ in 0..r.len(n.into())? {
                skip_binary(r, et, depth + 1)?;
            }
        }
        _ => return Err(Parsed::Invalid),
    }
    Ok(())
}

/// Skips a value of compact-protocol type `t`.
fn skip_compact(r: &mut R<'_>, t: u8, depth: usize) -> Step<()> {
    if depth > MAX_DEPTH {
        return Err(Parsed::Invalid);
    }
    match t {
        1 | 2 => {}
        3 => r.skip(1)?,
        4..=6 => {
            r.varint()?;
        }
        7 => r.skip(8)?,
        13 => r.skip(16)?,
        8 => {
            let n = r.varint()?;
            let n = r.len(i64::try_from(n).map_err(|_| Parsed::Invalid)?)?;
            r.take(n)?;
        }
        12 => loop {
            let h = r.u8()?;
            if h == 0 {
                break;
            }
            if h >> 4 == 0 {
                r.varint()?; // a full field id (zigzag i16)
            }
            skip_compact(r, h & 0x0f, depth + 1)?;
        },
        9 | 10 => {
            let h = r.u8()?;
            let n = if h >> 4 == 15 { r.varint()? } else { u64::from(h >> 4) };
            for _ in 0..n {
                // Booleans in containers take a byte each.
                let et = h & 0x0f;
                if et == 1 || et == 2 { r.skip(1)? } else { skip_compact(r, et, depth + 1)? }
            }
        }
        11 => {
            let n = r.varint()?;
            if n > 0 {
                let kv = r.u8()?;
                for _ in 0..n {
                    for et in [kv >> 4, kv & 0x0f] {
                        if et == 1 || et == 2 { r.skip(1)? } else { skip_compact(r, et, depth + 1)? }
                    }
                }
            }
        }
        _ => return Err(Parsed::Invalid),
    }
    Ok(())
}

/// Reads a message header in any of the three forms (compact, strict binary, old binary).
fn header(r: &mut R<'_>) -> Step<Header> {
    let first = r.u8()?;
    if first == 0x82 {
        let vt = r.u8()?;
        if vt & 0x1f != 1 {
            return Err(Parsed::Invalid);
        }
        let seq = r.varint()? as i32;
        let n = r.varint()?;
        let n = r.len(i64::try_from(n).map_err(|_| Parsed::Invalid)?)?;
        let name = String::from_utf8_lossy(r.take(n)?).into_owned();
        return Ok(Header { compact: true, kind: (vt >> 5) & 7, name, seq });
    }
    r.pos -= 1;
    let v = r.i32()?;
    if v < 0 {
        // Strict: 0x8001_00TT.
        if (v as u32) & 0xffff_0000 != 0x8001_0000 {
            return Err(Parsed::Invalid);
        }
        let n = r.i32()?;
        let n = r.len(n.into())?;
        let name = String::from_utf8_lossy(r.take(n)?).into_owned();
        let seq = r.i32()?;
        Ok(Header { compact: false, kind: (v & 0xff) as u8, name, seq })
    } else {
        // Old: the name's length first.
        let n = r.len(v.into())?;
        let name = String::from_utf8_lossy(r.take(n)?).into_owned();
        let kind = r.u8()?;
        let seq = r.i32()?;
        Ok(Header { compact: false, kind, name, seq })
    }
}

/// Reads one message at the start of `b`.
pub fn parse(b: &[u8]) -> Parsed {
    let mut r = R { b, pos: 0 };
    let h = match header(&mut r) {
        Ok(h) => h,
        Err(p) => return p,
    };
    if !(1..=4).contains(&h.kind) {
        return Parsed::Invalid;
    }
    let start = r.pos;
    let walked = if h.compact { skip_compact(&mut r, 12, 0) } else { skip_binary(&mut r, 12, 0) };
    match walked {
        Ok(()) => Parsed::Done(h, start, r.pos),
        Err(p) => p,
    }
}

/// The header bytes of a message.
pub fn write_header(h: &Header) -> Vec<u8> {
    let mut out = Vec::new();
    if h.compact {
        out.push(0x82);
        out.push(1 | (h.kind << 5));
        put_varint(&mut out, h.seq as u32 as u64);
        put_varint(&mut out, h.name.len() as u64);
        out.extend_from_slice(h.name.as_bytes());
    } else {
        out.extend_from_slice(&(0x8001_0000u32 | u32::from(h.kind)).to_be_bytes());
        out.extend_from_slice(&(h.name.len() as i32).to_be_bytes());
        out.extend_from_slice(h.name.as_bytes());
        out.extend_from_slice(&h.seq.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct {1: i32 = 7, 2: string "hi", 3: list<i16> [1, 2], 4: map<string,bool> {"k": true}}.
    fn binary_struct() -> Vec<u8> {
        let mut b = vec![8, 0, 1, 0, 0, 0, 7];
        b.extend_from_slice(&[11, 0, 2, 0, 0, 0, 2, b'h', b'i']);
        b.extend_from_slice(&[15, 0, 3, 6, 0, 0, 0, 2, 0, 1, 0, 2]);
        b.extend_from_slice(&[13, 0, 4, 11, 2, 0, 0, 0, 1, 0, 0, 0, 1, b'k', 1]);
        b.push(0);
        b
    }

    #[test]
    fn binary_and_compact_messages() {
        let h = Header { compact: false, kind: 1, name: "getUser".into(), seq: 9 };
        let body = binary_struct();
        let msg = [write_header(&h), body.clone()].concat();
        assert_eq!(parse(&msg), Parsed::Done(h.clone(), msg.len() - body.len(), msg.len()));
        for cut in 0..msg.len() {
            assert_eq!(parse(&msg[..cut]), Parsed::More, "cut {cut}");
        }
        // The old (non-strict) binary header.
        let old = [&[0u8, 0, 0, 7][..], b"getUser", &[1], &9i32.to_be_bytes(), &body].concat();
        assert!(matches!(parse(&old), Parsed::Done(Header { kind: 1, seq: 9, .. }, _, _)));
        // Compact: {1: i32 (zigzag 7 = 14), 2: bool true, 5: binary "x"} then stop.
        let ch = Header { compact: true, kind: 2, name: "r".into(), seq: 300 };
        let cbody = vec![0x15, 14, 0x11, 0x38, 1, b'x', 0];
        let cmsg = [write_header(&ch), cbody.clone()].concat();
        assert_eq!(parse(&cmsg), Parsed::Done(ch, cmsg.len() - cbody.len(), cmsg.len()));
        assert_eq!(parse(b"GET / HTTP/1.1\r\n\r\n"), Parsed::Invalid);
        assert_eq!(parse(&[0x80, 0x01, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Parsed::Invalid);
    }
}
