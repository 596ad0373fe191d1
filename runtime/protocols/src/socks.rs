//! SOCKS 4, 4a and 5, sans-IO: the server's reading of greetings and CONNECT requests, its
//! replies, and the client's CONNECT request and reply length. Only "no authentication" and
//! CONNECT are spoken.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A complete SOCKS request as the server read it.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    /// 4 (for 4 and 4a) or 5.
    pub version: u8,
    /// The SOCKS4 user id, when not empty.
    pub id: Option<String>,
    /// The target address, when given as an IP address.
    pub ip: Option<String>,
    /// The target host name, when given as a name (SOCKS 4a and 5).
    pub domain: Option<String>,
    /// The target port.
    pub port: u16,
    /// Bytes of the buffer the request took.
    pub len: usize,
}

/// What the server makes of the bytes it has so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed<T> {
    /// Not enough bytes yet.
    More,
    /// A complete greeting or request.
    Done(T),
    /// The reply to send before closing.
    Refuse(Vec<u8>),
}

/// SOCKS4 reply code: request granted.
pub const V4_GRANTED: u8 = 0x5a;
/// SOCKS4 reply code: request rejected or failed.
pub const V4_REJECTED: u8 = 0x5b;
/// SOCKS5 reply code: succeeded.
pub const V5_OK: u8 = 0x00;
/// SOCKS5 reply code: connection not allowed by ruleset.
pub const V5_NOT_ALLOWED: u8 = 0x02;
/// SOCKS5 reply code: command not supported.
pub const V5_BAD_COMMAND: u8 = 0x07;
/// SOCKS5 reply code: address type not supported.
pub const V5_BAD_ADDRESS: u8 = 0x08;
/// The SOCKS5 greeting a client sends: version 5, one method, "no authentication".
pub const V5_CLIENT_GREETING: [u8; 3] = [5, 1, 0];
/// The SOCKS5 server's answer to a greeting: version 5, "no authentication" chosen.
pub const V5_NO_AUTHENTICATION_CHOSEN: [u8; 2] = [5, 0];
/// The SOCKS5 server's answer when none of the offered methods is acceptable.
pub const V5_NO_ACCEPTABLE_METHOD: [u8; 2] = [5, 0xff];
/// The longest user id or domain name accepted in a SOCKS4 request.
const V4_MAX_FIELD: usize = 255;

/// The server's reply for `version` with `code`.
pub fn reply(version: u8, code: u8) -> Vec<u8> {
    if version == 4 { vec![0, code, 0, 0, 0, 0, 0, 0] } else { vec![5, code, 0, 1, 0, 0, 0, 0, 0, 0] }
}

/// The success or refusal reply for `version`.
pub fn verdict(version: u8, granted: bool) -> Vec<u8> {
    match (version, granted) {
        (4, true) => reply(4, V4_GRANTED),
        (4, false) => reply(4, V4_REJECTED),
        (_, true) => reply(5, V5_OK),
        (_, false) => reply(5, V5_NOT_ALLOWED),
    }
}

/// A NUL-terminated field of at most `V4_MAX_FIELD` bytes at `at`: its text and the index after
/// the NUL.
fn nul_field(b: &[u8], at: usize) -> Parsed<(String, usize)> {
    match b.get(at..).and_then(|rest| rest.iter().position(|&c| c == 0)) {
        Some(n) if n <= V4_MAX_FIELD => {
            Parsed::Done((String::from_utf8_lossy(&b[at..at + n]).into_owned(), at + n + 1))
        }
        Some(_) => Parsed::Refuse(reply(4, V4_REJECTED)),
        None if b.len().saturating_sub(at) > V4_MAX_FIELD => Parsed::Refuse(reply(4, V4_REJECTED)),
        None => Parsed::More,
    }
}

/// A SOCKS4 or 4a CONNECT request (`b[0] == 4`).
pub fn parse_v4(b: &[u8]) -> Parsed<Request> {
    if b.len() < 8 {
        return Parsed::More;
    }
    if b[1] != 1 {
        return Parsed::Refuse(reply(4, V4_REJECTED));
    }
    let port = u16::from_be_bytes([b[2], b[3]]);
    let ip = [b[4], b[5], b[6], b[7]];
    let (id, next) = match nul_field(b, 8) {
        Parsed::Done(v) => v,
        Parsed::More => return Parsed::More,
        Parsed::Refuse(r) => return Parsed::Refuse(r),
    };
    let id = Some(id).filter(|s| !s.is_empty());
    // 4a: an address of 0.0.0.x (x ≠ 0) means a domain name follows.
    if ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0 {
        return match nul_field(b, next) {
            Parsed::Done((domain, end)) => {
                Parsed::Done(Request { version: 4, id, ip: None, domain: Some(domain), port, len: end })
            }
            Parsed::More => Parsed::More,
            Parsed::Refuse(r) => Parsed::Refuse(r),
        };
    }
    let ip = Some(Ipv4Addr::from(ip).to_string());
    Parsed::Done(Request { version: 4, id, ip, domain: None, port, len: next })
}

/// A SOCKS5 greeting (`b[0] == 5`): the number of bytes it took, once the client offers
/// "no authentication" (the only method served).
pub fn parse_v5_greeting(b: &[u8]) -> Parsed<usize> {
    let Some(&n) = b.get(1) else { return Parsed::More };
    let len = 2 + n as usize;
    if b.len() < len {
        return Parsed::More;
    }
    if b[2..len].contains(&0) { Parsed::Done(len) } else { Parsed::Refuse(V5_NO_ACCEPTABLE_METHOD.to_vec()) }
}

/// A SOCKS5 CONNECT request.
pub fn parse_v5_request(b: &[u8]) -> Parsed<Request> {
    if b.len() < 5 {
        return Parsed::More;
    }
    if b[0] != 5 || b[2] != 0 {
        return Parsed::Refuse(reply(5, V5_BAD_COMMAND));
    }
    if b[1] != 1 {
        return Parsed::Refuse(reply(5, V5_BAD_COMMAND));
    }
    let (ip, domain, addr_end) = match b[3] {
        1 => {
            if b.len() < 8 {
                return Parsed::More;
            }
            (Some(Ipv4Addr::new(b[4], b[5], b[6], b[7]).to_string()), None, 8)
        }
        4 => {
            if b.len() < 20 {
                return Parsed::More;
            }
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[4..20]);
            (Some(Ipv6Addr::from(a).to_string()), None, 20)
        }
        3 => {
            let end = 5 + b[4] as usize;
            if b.len() < end {
                return Parsed::More;
            }
            (None, Some(String::from_utf8_lossy(&b[5..end]).into_owned()), end)
        }
        _ => return Parsed::Refuse(reply(5, V5_BAD_ADDRESS)),
    };
    if b.len() < addr_end + 2 {
        return Parsed::More;
    }
    let port = u16::from_be_bytes([b[addr_end], b[addr_end + 1]]);
    Parsed::Done(Request { version: 5, id: None, ip, domain, port, len: addr_end + 2 })
}

/// The SOCKS5 CONNECT request a client sends for `host:port` (IPv6 hosts in brackets).
pub fn v5_connect_request(target: &str) -> Result<Vec<u8>, String> {
    let (host, port) = target.rsplit_once(':').ok_or_else(|| format!("invalid target: {target}"))?;
    let port: u16 = port.parse().map_err(|_| format!("invalid target: {target}"))?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    let mut out = vec![5, 1, 0];
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        out.push(1);
        out.extend_from_slice(&ip.octets());
    } else if let Ok(ip) = host.parse::<Ipv6Addr>() {
        out.push(4);
        out.extend_from_slice(&ip.octets());
    } else {
        if host.is_empty() || host.len() > 255 {
            return Err(format!("invalid host name: {host}"));
        }
        out.push(3);
        out.push(host.len() as u8);
        out.extend_from_slice(host.as_bytes());
    }
    out.extend_from_slice(&port.to_be_bytes());
    Ok(out)
}

/// The length of a complete SOCKS5 reply at the start of `b`, or None while it is incomplete.
pub fn v5_reply_len(b: &[u8]) -> Option<usize> {
    let len = match *b.get(3)? {
        1 => 10,
        4 => 22,
        3 => 7 + *b.get(4)? as usize,
        _ => 10,
    };
    (b.len() >= len).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socks4_and_4a_requests() {
        let mut b = vec![4, 1, 0, 80, 10, 0, 0, 1];
        assert_eq!(parse_v4(&b), Parsed::More);
        b.extend_from_slice(b"bob\0extra");
        let Parsed::Done(r) = parse_v4(&b) else { panic!("v4") };
        assert_eq!((r.ip.as_deref(), r.id.as_deref(), r.port, r.len), (Some("10.0.0.1"), Some("bob"), 80, 12));
        let b = [&[4u8, 1, 1, 187, 0, 0, 0, 9, 0][..], b"example.com\0"].concat();
        let Parsed::Done(r) = parse_v4(&b) else { panic!("4a") };
        assert_eq!((r.domain.as_deref(), r.ip, r.port, r.len), (Some("example.com"), None, 443, b.len()));
        assert_eq!(parse_v4(&[4, 2, 0, 80, 1, 2, 3, 4, 0]), Parsed::Refuse(reply(4, V4_REJECTED)));
        // A user id that never ends is refused once it is longer than any allowed.
        let long = [&[4u8, 1, 0, 80, 1, 2, 3, 4][..], &[b'a'; 300]].concat();
        assert_eq!(parse_v4(&long), Parsed::Refuse(reply(4, V4_REJECTED)));
    }

    #[test]
    fn socks5_greetings_and_requests() {
        assert_eq!(parse_v5_greeting(&[5]), Parsed::More);
        assert_eq!(parse_v5_greeting(&[5, 2, 2, 0]), Parsed::Done(4));
        assert_eq!(parse_v5_greeting(&[5, 1, 2]), Parsed::Refuse(vec![5, 0xff]));
        let req = v5_connect_request("example.com:8080").expect("request");
        assert_eq!(req[..5], [5, 1, 0, 3, 11]);
        let Parsed::Done(r) = parse_v5_request(&req) else { panic!("domain") };
        assert_eq!((r.domain.as_deref(), r.port, r.len), (Some("example.com"), 8080, req.len()));
        let req = v5_connect_request("[::1]:443").expect("v6");
        let Parsed::Done(r) = parse_v5_request(&req) else { panic!("v6") };
        assert_eq!((r.ip.as_deref(), r.port), (Some("::1"), 443));
        let req = v5_connect_request("127.0.0.1:1").expect("v4");
        assert_eq!(parse_v5_request(&req[..6]), Parsed::More);
        assert_eq!(parse_v5_request(&[5, 2, 0, 1, 0, 0, 0, 0, 0, 0]), Parsed::Refuse(reply(5, V5_BAD_COMMAND)));
        assert_eq!(parse_v5_request(&[5, 1, 0, 9, 0]), Parsed::Refuse(reply(5, V5_BAD_ADDRESS)));
        assert!(v5_connect_request("no-port").is_err());
        assert_eq!(v5_reply_len(&reply(5, 0)), Some(10));
        assert_eq!(v5_reply_len(&[5, 0, 0, 3, 4, b'a']), None);
    }
}
