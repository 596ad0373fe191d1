//! The `DNS` global of the original: `DNS.decode(data)` turns a DNS packet into an object and
//! `DNS.encode(object)` turns such an object back into a packet (Data).
//!
//! The object: `{id, qr, opcode, aa, tc, rd, ra, zero, rcode, question, answer, authority,
//! additional}`; the header flags are left out when 0, each section when empty. A question is
//! `{name, type, class}` and a record `{name, type, class, ttl, rdata}`; `class` is left out when
//! it is 1 (IN), `type` is a name (A NS CNAME SOA PTR MX TXT AAAA SRV OPT) or else a number.
//! `rdata` is address text (A, AAAA), a name (CNAME, NS, PTR), a string (TXT, one
//! character-string; left out when the rdata is not exactly one), `{mname, rname, serial,
//! refresh, retry, expire, minimum}` (SOA), `{priority, weight, port, target}` (SRV),
//! `{preference, exchange}` (MX) or lowercase hex (any other type). Decoding follows compression
//! pointers (never one straight to another, never past the end, names capped as the original
//! caps them); a malformed packet throws an `Error` whose message is the original's
//! (`dns decode # ...`), and so does a bad object given to `encode` (`dns encode # ...`).
//! `decode(null)` and `encode(non-object)` give undefined, as in the original.
//!
//! Differences from the original (1.5), all where it misbehaves:
//! - A label that runs past the end of the packet is an error ("dns decode # ... error" of the
//!   place it was in); the original reads past its buffer.
//! - IPv6 text writes a lone zero group as `0` (the original writes nothing, giving e.g.
//!   `2001:db8:1::1::1`); the longest zero run is still `::` and IPv4-mapped addresses stay hex
//!   (`::ffff:102:304`), as the original has them.
//! - Names and TXT strings that are not UTF-8 become text with U+FFFD in place of bad bytes.
//! - `encode` parses IPv6 with Rust's parser (after dropping a `%zone`), which also takes an
//!   embedded IPv4 tail; IPv4 text with an empty part (`1..2.3`) is refused (the original
//!   takes it as 0).
//! - `encode` refuses a label longer than 63 bytes (the original writes its length byte as is);
//!   it throws `dns encode # failed to write SOA/SRV/MX` when that rdata is not an object and
//!   `dns encode # question error`/`record error` for a null entry (the original crashes).

use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::{JsResult, Obj, PropKey, Value, attr, ops};
use std::net::{Ipv4Addr, Ipv6Addr};

const TYPES: [(u16, &str); 10] = [
    (1, "A"),
    (2, "NS"),
    (5, "CNAME"),
    (6, "SOA"),
    (12, "PTR"),
    (15, "MX"),
    (16, "TXT"),
    (28, "AAAA"),
    (33, "SRV"),
    (41, "OPT"),
];
const T_A: i32 = 1;
const T_NS: i32 = 2;
const T_CNAME: i32 = 5;
const T_SOA: i32 = 6;
const T_PTR: i32 = 12;
const T_MX: i32 = 15;
const T_TXT: i32 = 16;
const T_AAAA: i32 = 28;
const T_SRV: i32 = 33;

const CLASS_IN: i32 = 1;
const HEADER_LEN: usize = 12;
const MAX_LABEL: usize = 63;
const MAX_NAME: usize = 255;
const MAX_HOPS: usize = 128;

fn fail<T>(msg: &str) -> JsResult<T> {
    Err(make_error(ErrorKind::Error, msg))
}

// ---------------------------------------------------------------- decoding

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

/// Reads the name at `at`: the name and how many bytes it takes there, or None when malformed.
/// A name that meets the end of the packet without its zero byte ends there (as the original);
/// the caller's own bounds check then decides.
fn read_name(buf: &[u8], at: usize) -> Option<(String, usize)> {
    let mut name: Vec<u8> = Vec::new();
    let mut p = at;
    let mut skip = 0;
    let mut jumped = false;
    let mut hops = 0;
    while let Some(&len) = buf.get(p) {
        if len == 0 {
            break;
        }
        if len >= 0xC0 {
            let low = *buf.get(p + 1)?;
            if jumped {
                return None;
            }
            hops += 1;
            if hops > MAX_HOPS {
                return None;
            }
            if skip == 0 {
                skip = p - at + 2;
            }
            p = (usize::from(len & 0x3F) << 8) | usize::from(low);
            if p >= buf.len() {
                return None;
            }
            jumped = true;
            continue;
        }
        let len = usize::from(len);
        if len > MAX_LABEL || name.len() + len + 2 >= MAX_NAME {
            return None;
        }
        let label = buf.get(p + 1..p + 1 + len)?;
        if !name.is_empty() {
            name.push(b'.');
        }
        name.extend_from_slice(label);
        p += len + 1;
        jumped = false;
    }
    let used = if skip > 0 { skip } else { p + 1 - at };
    Some((String::from_utf8_lossy(&name).into_owned(), used))
}

fn new_obj() -> Obj {
    Obj::ordinary()
}

fn put(o: &Obj, key: &str, v: Value) {
    o.define_value(key, v, attr::DEFAULT);
}

fn put_num(o: &Obj, key: &str, n: impl Into<f64>) {
    put(o, key, Value::num(n.into()));
}

fn put_type(o: &Obj, t: u16) {
    match TYPES.iter().find(|(n, _)| *n == t) {
        Some((_, name)) => put(o, "type", Value::str(name)),
        None => put_num(o, "type", t),
    }
}

fn put_class(o: &Obj, c: u16) {
    if i32::from(c) != CLASS_IN {
        put_num(o, "class", c);
    }
}

/// IPv6 text as the original writes it (the first longest run of 2+ zero groups as `::`,
/// no embedded IPv4), except that a lone zero group is `0`.
fn ipv6_text(b: &[u8; 16]) -> String {
    let g: [u16; 8] = std::array::from_fn(|i| u16::from_be_bytes([b[i * 2], b[i * 2 + 1]]));
    let (mut best_i, mut best_n, mut n) = (0, 0, 0);
    for (i, &x) in g.iter().enumerate() {
        if x != 0 {
            n = 0;
        } else {
            n += 1;
            if n > best_n {
                best_n = n;
                best_i = i;
            }
        }
    }
    let hex = |s: &[u16]| s.iter().map(|x| format!("{x:x}")).collect::<Vec<_>>().join(":");
    if best_n > 1 {
        let start = best_i + 1 - best_n;
        format!("{}::{}", hex(&g[..start]), hex(&g[best_i + 1..]))
    } else {
        hex(&g)
    }
}

fn read_soa(buf: &[u8], at: usize) -> JsResult<Value> {
    let o = new_obj();
    let Some((mname, n)) = read_name(buf, at) else { return fail("dns decode # soa mname error") };
    put(&o, "mname", Value::string(mname));
    let p = at + n;
    let Some((rname, n)) = read_name(buf, p) else { return fail("dns decode # soa rname error") };
    put(&o, "rname", Value::string(rname));
    let p = p + n;
    if p + 20 > buf.len() {
        return fail("dns decode # soa error");
    }
    for (i, key) in ["serial", "refresh", "retry", "expire", "minimum"].into_iter().enumerate() {
        let Some(v) = u32_at(buf, p + i * 4) else { return fail("dns decode # soa error") };
        put_num(&o, key, v);
    }
    Ok(Value::Object(o))
}

fn read_srv(buf: &[u8], at: usize) -> JsResult<Value> {
    let o = new_obj();
    if at + 6 > buf.len() {
        return fail("dns decode # srv error");
    }
    for (i, key) in ["priority", "weight", "port"].into_iter().enumerate() {
        let Some(v) = u16_at(buf, at + i * 2) else { return fail("dns decode # srv error") };
        put_num(&o, key, v);
    }
    let Some((target, _)) = read_name(buf, at + 6) else { return fail("dns decode # srv target error") };
    put(&o, "target", Value::string(target));
    Ok(Value::Object(o))
}

fn read_mx(buf: &[u8], at: usize) -> JsResult<Value> {
    let o = new_obj();
    let Some(pref) = u16_at(buf, at) else { return fail("dns decode # mx error") };
    put_num(&o, "preference", pref);
    let Some((exchange, _)) = read_name(buf, at + 2) else { return fail("dns decode # srv exchange error") };
    put(&o, "exchange", Value::string(exchange));
    Ok(Value::Object(o))
}

fn read_question(buf: &[u8], at: usize) -> JsResult<(Value, usize)> {
    let (name, n) = match read_name(buf, at) {
        Some((name, n)) if at + n + 4 <= buf.len() => (name, n),
        _ => return fail("dns decode # question error"),
    };
    let p = at + n;
    let (Some(t), Some(c)) = (u16_at(buf, p), u16_at(buf, p + 2)) else { return fail("dns decode # question error") };
    let o = new_obj();
    put(&o, "name", Value::string(name));
    put_type(&o, t);
    put_class(&o, c);
    Ok((Value::Object(o), n + 4))
}

fn read_record(buf: &[u8], at: usize) -> JsResult<(Value, usize)> {
    let (name, n) = match read_name(buf, at) {
        Some((name, n)) if at + n + 10 <= buf.len() => (name, n),
        _ => return fail("dns decode # record name error"),
    };
    let p = at + n;
    let (Some(t), Some(c), Some(ttl), Some(rdlen)) =
        (u16_at(buf, p), u16_at(buf, p + 2), u32_at(buf, p + 4), u16_at(buf, p + 8))
    else {
        return fail("dns decode # record name error");
    };
    let o = new_obj();
    put(&o, "name", Value::string(name));
    put_type(&o, t);
    put_class(&o, c);
    put_num(&o, "ttl", ttl);
    let p = p + 10;
    let rdlen = usize::from(rdlen);
    let Some(rd) = buf.get(p..p + rdlen) else { return fail("dns decode # rdlength error") };
    let rdata = match i32::from(t) {
        T_A => match <[u8; 4]>::try_from(rd) {
            Ok(a) => Some(Value::string(Ipv4Addr::from(a).to_string())),
            Err(_) => return fail("dns decode # A rdata error"),
        },
        T_AAAA => match <[u8; 16]>::try_from(rd) {
            Ok(a) => Some(Value::string(ipv6_text(&a))),
            Err(_) => return fail("dns decode # AAAA rdata error"),
        },
        T_SOA => Some(read_soa(buf, p)?),
        T_SRV => Some(read_srv(buf, p)?),
        T_MX => Some(read_mx(buf, p)?),
        T_PTR => match read_name(buf, p) {
            Some((name, _)) => Some(Value::string(name)),
            None => return fail("dns decode # failed to read PTR"),
        },
        T_TXT => match rd.split_first() {
            Some((&len, text)) if usize::from(len) == text.len() => {
                Some(Value::string(String::from_utf8_lossy(text).into_owned()))
            }
            _ => None,
        },
        T_CNAME | T_NS => match read_name(buf, p) {
            Some((name, _)) => Some(Value::string(name)),
            None => return fail("dns decode # failed to read CNAME"),
        },
        _ => Some(Value::string(rd.iter().map(|b| format!("{b:02x}")).collect())),
    };
    if let Some(v) = rdata {
        put(&o, "rdata", v);
    }
    Ok((Value::Object(o), n + 10 + rdlen))
}

/// The packet as an object, or the original's error.
pub fn decode(buf: &[u8]) -> JsResult<Value> {
    if buf.len() < HEADER_LEN {
        return fail("dns decode # data error");
    }
    let dns = new_obj();
    let (b2, b3) = (buf[2], buf[3]);
    put_num(&dns, "id", u16::from_be_bytes([buf[0], buf[1]]));
    let flags = [
        ("qr", b2 >> 7),
        ("opcode", (b2 >> 3) & 15),
        ("aa", (b2 >> 2) & 1),
        ("tc", (b2 >> 1) & 1),
        ("rd", b2 & 1),
        ("ra", b3 >> 7),
        ("zero", (b3 >> 4) & 7),
        ("rcode", b3 & 15),
    ];
    for (key, v) in flags {
        if v != 0 {
            put_num(&dns, key, v);
        }
    }
    let count = |i: usize| usize::from(u16::from_be_bytes([buf[4 + i * 2], buf[5 + i * 2]]));
    let sections = ["question", "answer", "authority", "additional"];
    let mut lists: Vec<Vec<Value>> = vec![Vec::new(); 4];
    let mut p = HEADER_LEN;
    for (i, list) in lists.iter_mut().enumerate() {
        for _ in 0..count(i) {
            let (v, n) = if i == 0 { read_question(buf, p)? } else { read_record(buf, p)? };
            list.push(v);
            p += n;
        }
    }
    for (i, list) in lists.into_iter().enumerate() {
        if count(i) > 0 {
            put(&dns, sections[i], ops::new_array(list));
        }
    }
    Ok(Value::Object(dns))
}

// ---------------------------------------------------------------- encoding

/// A C++ double-to-int conversion as x86 does it: out of range (or NaN) is the lowest value.
fn to_i32(n: f64) -> i32 {
    if n > -2_147_483_649.0 && n < 2_147_483_648.0 { n as i32 } else { i32::MIN }
}

fn to_i64(n: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if (-LIMIT..LIMIT).contains(&n) { n as i64 } else { i64::MIN }
}

fn get(o: &Value, key: &str) -> JsResult<Value> {
    ops::get(o, &PropKey::str(key))
}

fn get_num(o: &Value, key: &str) -> JsResult<Option<f64>> {
    Ok(match get(o, key)? {
        Value::Number(n) => Some(n),
        _ => None,
    })
}

fn get_int(o: &Value, key: &str, default: i32) -> JsResult<i32> {
    Ok(get_num(o, key)?.map_or(default, to_i32))
}

fn get_long(o: &Value, key: &str) -> JsResult<i64> {
    Ok(get_num(o, key)?.map_or(-1, to_i64))
}

fn get_str(o: &Value, key: &str) -> JsResult<Option<String>> {
    match get(o, key)? {
        v @ Value::String(_) => Ok(Some(ops::to_rust_string(&v)?)),
        _ => Ok(None),
    }
}

fn get_array(o: &Value, key: &str) -> JsResult<Vec<Value>> {
    Ok(match get(o, key)? {
        Value::Object(a) => a.array_elements().unwrap_or_default(),
        _ => Vec::new(),
    })
}

fn get_type(o: &Value) -> JsResult<i32> {
    Ok(match get(o, "type")? {
        v @ Value::String(_) => {
            let s = ops::to_rust_string(&v)?;
            TYPES.iter().find(|(_, name)| *name == s).map_or(-1, |(n, _)| i32::from(*n))
        }
        Value::Number(n) => to_i32(n),
        _ => -1,
    })
}

fn push16(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&(v as u16).to_be_bytes());
}

fn push32(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&(v as u32).to_be_bytes());
}

/// A dotted name as labels (a trailing dot is fine); None for an empty label, a label over 63
/// bytes or a name over the original's limit. Stops at a NUL, as the original's C string does.
fn write_name(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let bytes = bytes.split(|&b| b == 0).next().unwrap_or_default();
    let mut out = Vec::new();
    let mut labels: Vec<&[u8]> = bytes.split(|&b| b == b'.').collect();
    if labels.last().is_some_and(|l| l.is_empty()) {
        labels.pop();
    }
    for label in labels {
        if label.is_empty() || label.len() > MAX_LABEL || out.len() + label.len() + 2 > MAX_NAME {
            return None;
        }
        out.push(label.len() as u8);
        out.extend_from_slice(label);
    }
    out.push(0);
    Some(out)
}

fn name_of(o: &Value, key: &str, msg: &str) -> JsResult<Vec<u8>> {
    match get_str(o, key)?.as_deref().and_then(write_name) {
        Some(n) => Ok(n),
        None => fail(msg),
    }
}

fn non_negative(v: i64, msg: &str) -> JsResult<i64> {
    if v < 0 { fail(msg) } else { Ok(v) }
}

fn write_soa(o: &Value, out: &mut Vec<u8>) -> JsResult<()> {
    out.extend(name_of(o, "mname", "dns encode # soa mname error")?);
    out.extend(name_of(o, "rname", "dns encode # soa rname error")?);
    for key in ["serial", "refresh", "retry", "expire", "minimum"] {
        push32(out, non_negative(get_long(o, key)?, &format!("dns encode # soa {key} error"))?);
    }
    Ok(())
}

fn write_srv(o: &Value, out: &mut Vec<u8>) -> JsResult<()> {
    for key in ["priority", "weight", "port"] {
        push16(out, non_negative(get_int(o, key, -1)?.into(), &format!("dns encode # srv {key} error"))?);
    }
    out.extend(name_of(o, "target", "dns encode # srv target error")?);
    Ok(())
}

fn write_mx(o: &Value, out: &mut Vec<u8>) -> JsResult<()> {
    push16(out, non_negative(get_int(o, "preference", -1)?.into(), "dns encode # mx preference error")?);
    out.extend(name_of(o, "exchange", "dns encode # mx exchange error")?);
    Ok(())
}

fn with_length(out: &mut Vec<u8>, rd: &[u8]) {
    push16(out, rd.len() as i64);
    out.extend_from_slice(rd);
}

fn ipv4_of(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = s.split('.').collect();
    let mut ip = [0u8; 4];
    if parts.len() != 4 {
        return None;
    }
    for (slot, part) in ip.iter_mut().zip(parts) {
        let ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        *slot = if ok { part.parse().ok()? } else { return None };
    }
    Some(ip)
}

fn write_question(q: &Value, out: &mut Vec<u8>) -> JsResult<()> {
    out.extend(name_of(q, "name", "dns encode # question name error")?);
    let t = get_type(q)?;
    if t < 0 {
        return fail("dns encode # question type error");
    }
    push16(out, t.into());
    push16(out, get_int(q, "class", CLASS_IN)?.into());
    Ok(())
}

fn write_record(r: &Value, out: &mut Vec<u8>) -> JsResult<()> {
    out.extend(name_of(r, "name", "dns encode # record name error")?);
    let t = get_type(r)?;
    if t < 0 {
        return fail("dns encode # record type error");
    }
    push16(out, t.into());
    push16(out, get_int(r, "class", CLASS_IN)?.into());
    push32(out, non_negative(get_long(r, "ttl")?, "dns encode # record ttl error")?);
    let rdata_obj = |what: &str| -> JsResult<Value> {
        match get(r, "rdata")? {
            v @ Value::Object(_) => Ok(v),
            _ => fail(&format!("dns encode # failed to write {what}")),
        }
    };
    let mut rd = Vec::new();
    match t {
        T_A => {
            let Some(s) = get_str(r, "rdata")? else { return fail("dns encode # A rdata error") };
            let Some(ip) = ipv4_of(&s) else { return fail("invalid IPv4 notation") };
            rd.extend_from_slice(&ip);
        }
        T_AAAA => {
            let Some(s) = get_str(r, "rdata")? else { return fail("dns encode # AAAA rdata error") };
            let text = s.split('%').next().unwrap_or_default();
            let Ok(ip) = text.parse::<Ipv6Addr>() else { return fail("invalid IPv6 notation") };
            rd.extend_from_slice(&ip.octets());
        }
        T_SOA => write_soa(&rdata_obj("SOA")?, &mut rd)?,
        T_SRV => write_srv(&rdata_obj("SRV")?, &mut rd)?,
        T_MX => write_mx(&rdata_obj("MX")?, &mut rd)?,
        T_PTR => rd = name_of(r, "rdata", "dns encode # failed to write PTR")?,
        T_TXT => {
            let Some(s) = get_str(r, "rdata")? else { return fail("dns encode # TXT rdata error") };
            let n = s.len() as i64;
            push16(out, n + 1);
            out.push(n as u8);
            out.extend_from_slice(s.as_bytes());
            return Ok(());
        }
        T_CNAME | T_NS => rd = name_of(r, "rdata", "dns encode # failed to write CNAME")?,
        _ => {
            let Some(s) = get_str(r, "rdata")? else { return fail("dns encode # HEX rdata error") };
            rd = hex_bytes(&s)?;
        }
    }
    with_length(out, &rd);
    Ok(())
}

fn hex_bytes(s: &str) -> JsResult<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 2);
    for pair in b.chunks(2) {
        match pair {
            [h, l] => match (digit(*h), digit(*l)) {
                (Some(h), Some(l)) => out.push(h << 4 | l),
                _ => return fail("invalid hex encoding"),
            },
            [c] if digit(*c).is_none() => return fail("invalid hex encoding"),
            _ => return fail("incomplete hex string"),
        }
    }
    Ok(out)
}

/// The object as a packet, or the original's error.
pub fn encode(dns: &Value) -> JsResult<Vec<u8>> {
    let mut out = Vec::new();
    let id = get_int(dns, "id", -1)?;
    if id < 0 {
        return fail("dns encode # id error");
    }
    push16(&mut out, id.into());
    let f = |key: &str| get_int(dns, key, 0);
    let b2 = f("qr")?.wrapping_shl(7)
        | f("opcode")?.wrapping_shl(3)
        | f("aa")?.wrapping_shl(2)
        | f("tc")?.wrapping_shl(1)
        | f("rd")?;
    out.push(b2 as u8);
    let b3 = f("ra")?.wrapping_shl(7) | f("zero")?.wrapping_shl(4) | f("rcode")?;
    out.push(b3 as u8);
    let sections = ["question", "answer", "authority", "additional"].map(|k| get_array(dns, k));
    let sections: Vec<Vec<Value>> = sections.into_iter().collect::<JsResult<_>>()?;
    for s in &sections {
        push16(&mut out, s.len() as i64);
    }
    for (i, list) in sections.iter().enumerate() {
        for v in list {
            match (i, v) {
                (0, Value::Object(_)) => write_question(v, &mut out)?,
                (0, _) => return fail("dns encode # question error"),
                (_, Value::Object(_)) => write_record(v, &mut out)?,
                _ => return fail("dns encode # record error"),
            }
        }
    }
    Ok(out)
}

fn dns_decode(_: &Value, args: &[Value]) -> JsResult<Value> {
    if args.is_empty() {
        return fail("requires 1 or more arguments");
    }
    let v = arg(args, 0);
    if matches!(v, Value::Null) {
        return Ok(Value::Undefined);
    }
    match event::as_data(&v) {
        Some(d) => decode(&d.to_vec()),
        None => fail("argument #1 expects an instance of pipy::Data"),
    }
}

fn dns_encode(_: &Value, args: &[Value]) -> JsResult<Value> {
    if args.is_empty() {
        return fail("requires 1 or more arguments");
    }
    match arg(args, 0) {
        Value::Null => fail("dns encode # object is null"),
        v @ Value::Object(_) => Ok(event::data_value(encode(&v)?.into())),
        _ => Ok(Value::Undefined),
    }
}

pub fn install() {
    let dns = Obj::ordinary();
    util::method(&dns, "decode", 1, dns_decode);
    util::method(&dns, "encode", 1, dns_encode);
    util::global("DNS", Value::Object(dns));
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipy_protocols::rng::XorShift;

    fn json(v: &Value) -> String {
        let s = util::testing::call("JSON.stringify", &Value::Undefined, std::slice::from_ref(v)).expect("stringify");
        ops::to_rust_string(&s).expect("a string")
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    // A response with a compressed name, A, AAAA, CNAME, MX, TXT, SOA and SRV records.
    const RESPONSE: &str = concat!(
        "abcd81800001000700000000",
        "076578616d706c6503636f6d0000010001",
        "c00c000100010000012c00045db8d822",
        "c00c001c00010000012c001020010db8000000000000000000000001",
        "03777777c00c000500010000012c0002c00c",
        "c00c000f00010000012c0007000a026d78c00c",
        "c00c001000010000012c00060568656c6c6f",
        "c00c000600010000012c001d026e73c00c0161c00c0000000100000e1000000384000927c000000e10",
        "c00c002100010000012c000b000a00051f900373727600",
    );

    #[test]
    fn decodes_a_response_with_every_kind_of_record() {
        util::testing::setup();
        let v = decode(&hex(RESPONSE)).expect("decodes");
        let text = json(&v);
        assert!(text.contains(r#""rdata":"2001:db8::1""#), "{text}");
        assert!(text.contains(r#""name":"www.example.com""#), "{text}");
        let again = decode(&encode(&v).expect("encodes")).expect("decodes again");
        assert_eq!(text, json(&again));
    }

    #[test]
    fn random_bytes_and_mutations_never_panic() {
        util::testing::setup();
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let good = hex(RESPONSE);
        for _ in 0..10_000 {
            let len = rng.below(80);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let _ = decode(&bytes);
        }
        for _ in 0..10_000 {
            let mut bytes = good.clone();
            for _ in 0..1 + rng.below(4) {
                match rng.below(4) {
                    0 => {
                        let i = rng.below(bytes.len());
                        bytes[i] = rng.next_u64() as u8;
                    }
                    1 => bytes.truncate(rng.below(bytes.len() + 1)),
                    2 => {
                        let i = rng.below(bytes.len() + 1);
                        bytes.insert(i, rng.next_u64() as u8);
                    }
                    _ => {
                        let i = rng.below(bytes.len());
                        bytes[i] = 0xC0 | (rng.next_u64() as u8 & 0x3F);
                    }
                }
                if bytes.is_empty() {
                    bytes.push(0);
                }
            }
            let _ = decode(&bytes);
        }
        // Names that point at themselves or at each other end in an error.
        let mut looped = hex("000000000001000000000000");
        looped.extend_from_slice(&[0xC0, 12, 0, 1, 0, 1]);
        assert!(decode(&looped).is_err());
        let mut pair = hex("000000000001000000000000");
        pair.extend_from_slice(&[1, b'a', 0xC0, 12, 0, 1, 0, 1]);
        assert!(decode(&pair).is_err());
    }
}
