//! RESP, the Redis serialization protocol (version 2), sans-IO: [`parse`] reads one value from
//! the front of a buffer, [`encode`] writes one.

/// A RESP value.
#[derive(Debug, PartialEq)]
pub enum Resp {
    /// A simple string (`+…`).
    Simple(String),
    /// An error (`-…`), its message.
    Error(String),
    /// An integer (`:…`).
    Integer(i64),
    /// A bulk string (`$n` and n bytes).
    Bulk(Vec<u8>),
    /// An array (`*n` and n values).
    Array(Vec<Resp>),
    /// The null bulk string (`$-1`) or null array (`*-1`).
    Null,
}

/// What the decoder makes of its buffer.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    /// Incomplete: at least this many bytes in all are needed before trying again.
    More(usize),
    /// A value and the index just after it.
    Done(Resp, usize),
    /// Not RESP.
    Invalid,
}

/// Deepest array nesting accepted (a guard against stack exhaustion on hostile input).
const MAX_DEPTH: usize = 64;
/// Largest bulk string or array length accepted (Redis's own limit is 512 MB).
const MAX_LEN: i64 = 512 * 1024 * 1024;

/// Reads one value at `at`.
pub fn parse(b: &[u8], at: usize) -> Parsed {
    parse_at(b, at, 0)
}

/// The line starting at `from` (without its CRLF) and the index after the CRLF.
fn line(b: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let rest = b.get(from..)?;
    let n = rest.windows(2).position(|w| w == b"\r\n")?;
    Some((&rest[..n], from + n + 2))
}

/// A decimal integer line.
fn integer(s: &[u8]) -> Option<i64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Reads one value at `at`, nested `depth` arrays deep.
fn parse_at(b: &[u8], at: usize, depth: usize) -> Parsed {
    let Some(&kind) = b.get(at) else { return Parsed::More(at + 1) };
    let Some((text, next)) = line(b, at + 1) else {
        // A line never needs more than a few dozen bytes for lengths and integers; simple strings
        // and errors can be long, so just wait for more.
        return Parsed::More(b.len() + 1);
    };
    match kind {
        b'+' => Parsed::Done(Resp::Simple(String::from_utf8_lossy(text).into_owned()), next),
        b'-' => Parsed::Done(Resp::Error(String::from_utf8_lossy(text).into_owned()), next),
        b':' => match integer(text) {
            Some(n) => Parsed::Done(Resp::Integer(n), next),
            None => Parsed::Invalid,
        },
        b'$' => match integer(text) {
            Some(-1) => Parsed::Done(Resp::Null, next),
            Some(n) if (0..=MAX_LEN).contains(&n) => {
                let end = next + n as usize;
                if b.len() < end + 2 {
                    return Parsed::More(end + 2);
                }
                if &b[end..end + 2] != b"\r\n" {
                    return Parsed::Invalid;
                }
                Parsed::Done(Resp::Bulk(b[next..end].to_vec()), end + 2)
            }
            _ => Parsed::Invalid,
        },
        b'*' => match integer(text) {
            Some(-1) => Parsed::Done(Resp::Null, next),
            Some(n) if (0..=MAX_LEN).contains(&n) && depth < MAX_DEPTH => {
                let mut items = Vec::new();
                let mut pos = next;
                for _ in 0..n {
                    match parse_at(b, pos, depth + 1) {
                        Parsed::Done(v, p) => {
                            items.push(v);
                            pos = p;
                        }
                        other => return other,
                    }
                }
                Parsed::Done(Resp::Array(items), pos)
            }
            _ => Parsed::Invalid,
        },
        _ => Parsed::Invalid,
    }
}

/// Writes `value` as RESP (`Null` as the null bulk string).
pub fn encode(value: &Resp, out: &mut Vec<u8>) {
    match value {
        Resp::Null => out.extend_from_slice(b"$-1\r\n"),
        Resp::Integer(n) => out.extend_from_slice(format!(":{n}\r\n").as_bytes()),
        Resp::Array(items) => {
            out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
            for item in items {
                encode(item, out);
            }
        }
        Resp::Error(message) => {
            out.push(b'-');
            out.extend_from_slice(message.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        Resp::Bulk(bytes) => {
            out.extend_from_slice(format!("${}\r\n", bytes.len()).as_bytes());
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        Resp::Simple(text) => {
            out.push(b'+');
            out.extend_from_slice(text.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_and_waits_for_the_rest() {
        let b = b"*5\r\n+OK\r\n-ERR bad\r\n:-42\r\n$5\r\nhello\r\n*2\r\n$-1\r\n*-1\r\n";
        let Parsed::Done(v, n) = parse(b, 0) else { panic!("array") };
        assert_eq!(n, b.len());
        assert_eq!(
            v,
            Resp::Array(vec![
                Resp::Simple("OK".into()),
                Resp::Error("ERR bad".into()),
                Resp::Integer(-42),
                Resp::Bulk(b"hello".to_vec()),
                Resp::Array(vec![Resp::Null, Resp::Null]),
            ])
        );
        for cut in 1..b.len() {
            assert!(matches!(parse(&b[..cut], 0), Parsed::More(_)), "cut at {cut}");
        }
        assert_eq!(parse(b"$10\r\nabc", 0), Parsed::More(17));
        assert_eq!(parse(b"?x\r\n", 0), Parsed::Invalid);
        assert_eq!(parse(b"$3\r\nabcd\r\n", 0), Parsed::Invalid);
        assert_eq!(parse(b":x\r\n", 0), Parsed::Invalid);
        let deep = "*1\r\n".repeat(100) + ":1\r\n";
        assert_eq!(parse(deep.as_bytes(), 0), Parsed::Invalid);
    }

    #[test]
    fn encodes_what_it_parses() {
        let b = b"*5\r\n+OK\r\n-ERR bad\r\n:-42\r\n$5\r\nhello\r\n*2\r\n$-1\r\n$-1\r\n";
        let Parsed::Done(v, _) = parse(b, 0) else { panic!("array") };
        let mut out = Vec::new();
        encode(&v, &mut out);
        assert_eq!(out, b.to_vec());
    }
}
