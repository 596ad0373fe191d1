//! The PROXY protocol (HAProxy's, versions 1 and 2), sans-IO: reading a header at the start of a
//! stream and writing one.

use std::net::{Ipv4Addr, Ipv6Addr};

const V1_PREFIX: &[u8] = b"PROXY ";
const V2_SIGNATURE: &[u8] = b"\r\n\r\n\0\r\nQUIT\n";
/// The longest version 1 header, CRLF included (the specification's limit).
const V1_MAX: usize = 107;

/// A PROXY protocol header.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// 1 (text) or 2 (binary).
    pub version: u8,
    /// Version 2 only: `LOCAL` or `PROXY`.
    pub command: Option<&'static str>,
    /// `TCP4`, `TCP6`, `UNKNOWN`, and in version 2 also `UDP4`, `UDP6`, `UNIX`, `UNIX_DGRAM`.
    pub protocol: String,
    /// The client's address (None when the header carries no inet addresses).
    pub source_address: Option<String>,
    /// The client's port.
    pub source_port: u16,
    /// The address the client connected to.
    pub target_address: Option<String>,
    /// The port the client connected to.
    pub target_port: u16,
}

/// What the server makes of the bytes so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Not enough bytes yet.
    More,
    /// The header and the number of bytes it took.
    Done(Header, usize),
    /// Not a PROXY protocol header, or a malformed one.
    Invalid,
}

/// Reads a version 1 or 2 header at the start of `b`.
pub fn parse(b: &[u8]) -> Parsed {
    let n = b.len().min(V2_SIGNATURE.len());
    if b[..n] == V2_SIGNATURE[..n] {
        return if n < V2_SIGNATURE.len() { Parsed::More } else { parse_v2(b) };
    }
    let n = b.len().min(V1_PREFIX.len());
    if b[..n] != V1_PREFIX[..n] {
        return Parsed::Invalid;
    }
    match b.windows(2).position(|w| w == b"\r\n") {
        Some(end) if end + 2 <= V1_MAX => parse_v1(&b[V1_PREFIX.len()..end], end + 2),
        Some(_) => Parsed::Invalid,
        None if b.len() >= V1_MAX => Parsed::Invalid,
        None => Parsed::More,
    }
}

/// Reads the fields of a version 1 `line` (after `PROXY `, before the CRLF); the header took `len`
/// bytes.
fn parse_v1(line: &[u8], len: usize) -> Parsed {
    let Ok(line) = std::str::from_utf8(line) else { return Parsed::Invalid };
    let mut parts = line.split(' ');
    let protocol = parts.next().unwrap_or_default();
    let mut h = Header { version: 1, protocol: protocol.to_string(), ..Header::default() };
    match protocol {
        "UNKNOWN" => return Parsed::Done(h, len),
        "TCP4" | "TCP6" => {}
        _ => return Parsed::Invalid,
    }
    let fields: Vec<&str> = parts.collect();
    let [src, dst, sport, dport] = fields[..] else { return Parsed::Invalid };
    let valid = |a: &str| {
        if protocol == "TCP4" { a.parse::<Ipv4Addr>().is_ok() } else { a.parse::<Ipv6Addr>().is_ok() }
    };
    let (Ok(sport), Ok(dport)) = (sport.parse::<u16>(), dport.parse::<u16>()) else { return Parsed::Invalid };
    if !valid(src) || !valid(dst) {
        return Parsed::Invalid;
    }
    h.source_address = Some(src.to_string());
    h.target_address = Some(dst.to_string());
    h.source_port = sport;
    h.target_port = dport;
    Parsed::Done(h, len)
}

/// Reads a version 2 header at the start of `b` (its signature already matched).
fn parse_v2(b: &[u8]) -> Parsed {
    if b.len() < 16 {
        return Parsed::More;
    }
    let len = 16 + u16::from_be_bytes([b[14], b[15]]) as usize;
    if b.len() < len {
        return Parsed::More;
    }
    if b[12] >> 4 != 2 {
        return Parsed::Invalid;
    }
    let command = match b[12] & 0x0f {
        0 => "LOCAL",
        1 => "PROXY",
        _ => return Parsed::Invalid,
    };
    let protocol = match b[13] {
        0x00 => "UNKNOWN",
        0x11 => "TCP4",
        0x12 => "UDP4",
        0x21 => "TCP6",
        0x22 => "UDP6",
        0x31 => "UNIX",
        0x32 => "UNIX_DGRAM",
        _ => return Parsed::Invalid,
    };
    let mut h = Header { version: 2, command: Some(command), protocol: protocol.to_string(), ..Header::default() };
    let a = &b[16..len];
    match b[13] >> 4 {
        1 if a.len() >= 12 => {
            h.source_address = Some(Ipv4Addr::new(a[0], a[1], a[2], a[3]).to_string());
            h.target_address = Some(Ipv4Addr::new(a[4], a[5], a[6], a[7]).to_string());
            h.source_port = u16::from_be_bytes([a[8], a[9]]);
            h.target_port = u16::from_be_bytes([a[10], a[11]]);
        }
        2 if a.len() >= 36 => {
            let ip = |s: &[u8]| {
                let mut o = [0u8; 16];
                o.copy_from_slice(s);
                Ipv6Addr::from(o).to_string()
            };
            h.source_address = Some(ip(&a[0..16]));
            h.target_address = Some(ip(&a[16..32]));
            h.source_port = u16::from_be_bytes([a[32], a[33]]);
            h.target_port = u16::from_be_bytes([a[34], a[35]]);
        }
        1 | 2 => return Parsed::Invalid,
        // UNSPEC and UNIX: no inet addresses to report.
        _ => {}
    }
    Parsed::Done(h, len)
}

/// Writes `h` in version 1 (text) or 2 (binary) form. Missing or unparsable addresses are
/// written as zero addresses.
pub fn build(h: &Header) -> Vec<u8> {
    let v6 = matches!(h.protocol.as_str(), "TCP6" | "UDP6");
    if h.version == 2 {
        let cmd = if h.command == Some("LOCAL") { 0 } else { 1 };
        let proto = match h.protocol.as_str() {
            "UDP4" => 0x12,
            "TCP6" => 0x21,
            "UDP6" => 0x22,
            _ => 0x11,
        };
        let mut out = V2_SIGNATURE.to_vec();
        out.push(0x20 | cmd);
        out.push(proto);
        if v6 {
            let ip = |a: &Option<String>| {
                a.as_deref().and_then(|s| s.parse::<Ipv6Addr>().ok()).unwrap_or(Ipv6Addr::UNSPECIFIED)
            };
            out.extend_from_slice(&36u16.to_be_bytes());
            out.extend_from_slice(&ip(&h.source_address).octets());
            out.extend_from_slice(&ip(&h.target_address).octets());
        } else {
            let ip = |a: &Option<String>| {
                a.as_deref().and_then(|s| s.parse::<Ipv4Addr>().ok()).unwrap_or(Ipv4Addr::UNSPECIFIED)
            };
            out.extend_from_slice(&12u16.to_be_bytes());
            out.extend_from_slice(&ip(&h.source_address).octets());
            out.extend_from_slice(&ip(&h.target_address).octets());
        }
        out.extend_from_slice(&h.source_port.to_be_bytes());
        out.extend_from_slice(&h.target_port.to_be_bytes());
        return out;
    }
    let protocol = if h.protocol.is_empty() { "TCP4" } else { h.protocol.as_str() };
    let zero = if v6 { "::" } else { "0.0.0.0" };
    format!(
        "PROXY {protocol} {} {} {} {}\r\n",
        h.source_address.as_deref().unwrap_or(zero),
        h.target_address.as_deref().unwrap_or(zero),
        h.source_port,
        h.target_port
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_headers() {
        let b = b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET /";
        let Parsed::Done(h, n) = parse(b) else { panic!("v1") };
        assert_eq!(n, b.len() - 5);
        assert_eq!(h.source_address.as_deref(), Some("192.168.0.1"));
        assert_eq!((h.source_port, h.target_port, h.protocol.as_str()), (56324, 443, "TCP4"));
        assert_eq!(build(&h), b[..n].to_vec());
        assert_eq!(parse(b"PROXY TCP4 1.2.3.4"), Parsed::More);
        assert_eq!(parse(b"PROX"), Parsed::More);
        assert!(matches!(parse(b"PROXY UNKNOWN\r\n"), Parsed::Done(_, 15)));
        assert_eq!(parse(b"GET / HTTP/1.1\r\n"), Parsed::Invalid);
        assert_eq!(parse(b"PROXY TCP4 1.2.3.4 ::1 1 2\r\n"), Parsed::Invalid);
        assert_eq!(parse(&[b"PROXY TCP4 ".as_slice(), &[b'1'; 120]].concat()), Parsed::Invalid);
    }

    #[test]
    fn version_2_headers() {
        let h = Header {
            version: 2,
            command: Some("PROXY"),
            protocol: "TCP6".into(),
            source_address: Some("2001:db8::1".into()),
            source_port: 1000,
            target_address: Some("::1".into()),
            target_port: 8443,
        };
        let mut b = build(&h);
        assert_eq!(b.len(), 16 + 36);
        b.extend_from_slice(b"rest");
        assert_eq!(parse(&b[..20]), Parsed::More);
        assert_eq!(parse(&b), Parsed::Done(h, 52));
        let v4 = Header { version: 2, command: Some("LOCAL"), protocol: "TCP4".into(), ..Header::default() };
        let Parsed::Done(back, 28) = parse(&build(&v4)) else { panic!("v2 v4") };
        assert_eq!((back.command, back.source_address.as_deref()), (Some("LOCAL"), Some("0.0.0.0")));
        let mut bad = build(&v4);
        bad[12] = 0x31;
        assert_eq!(parse(&bad), Parsed::Invalid);
    }
}
