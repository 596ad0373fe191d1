//! The `STUN` global of the original (RFC 5389 messages, the small subset a client needs to learn
//! its public address): `STUN.encode({type: 'BindingRequest', transactionId})` writes the 20-byte
//! header of a Binding Request (no attributes), and `STUN.decode(data)` reads a Binding Request or
//! Binding Response into `{type, transactionId, mappedAddress}`.
//!
//! `type` is `'BindingRequest'` or `'BindingResponse'`; `transactionId` is the 12-byte Data of the
//! header. Only in a response are attributes looked at, and only the first MAPPED-ADDRESS (0x0001)
//! or XOR-MAPPED-ADDRESS (0x0020) that holds an IPv4 or IPv6 address becomes `mappedAddress:
//! {ip, port, family}` (`family` is `'IPv4'` or `'IPv6'`; IPv6 text is eight 4-digit hex groups,
//! never shortened, as the original writes it). Every other attribute (SOFTWARE,
//! MESSAGE-INTEGRITY, FINGERPRINT, ...) is skipped unchecked: the original neither verifies nor
//! writes them. As in the original, attributes are read up to the end of the Data, not up to the
//! header's length field (which only has to fit), and an attribute that runs past the end ends
//! the reading without an error.
//!
//! Malformed input throws an `Error` with the original's message (`STUN decode: ...`,
//! `STUN encode: ...`, `STUN.decode: argument must be Data`, `STUN.encode: argument must be an
//! object`); the checks come in the original's order. There is no deliberate difference from the
//! original, except that `STUN.encode.length`/`STUN.decode.length` are 1 (the original's native
//! methods have no `length`).

use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::{JsResult, Obj, Value, attr, ops};
use std::net::Ipv4Addr;

const BINDING_REQUEST: u16 = 0x0001;
const BINDING_RESPONSE: u16 = 0x0101;
const ATTR_MAPPED_ADDRESS: u16 = 0x0001;
const ATTR_XOR_MAPPED_ADDRESS: u16 = 0x0020;
const MAGIC_COOKIE: u32 = 0x2112_A442;
const HEADER_LEN: usize = 20;
const TRANSACTION_ID_LEN: usize = 12;
const FAMILY_IPV4: u8 = 0x01;
const FAMILY_IPV6: u8 = 0x02;

fn fail<T>(msg: &str) -> JsResult<T> {
    Err(make_error(ErrorKind::Error, msg))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn put(o: &Obj, key: &str, v: Value) {
    o.define_value(key, v, attr::DEFAULT);
}

/// The address of a (XOR-)MAPPED-ADDRESS attribute whose value is `value`, or None when it holds
/// neither an IPv4 nor an IPv6 address (the caller then goes on to the next attribute).
/// `transaction_id` is the header's, which XOR-MAPPED-ADDRESS mixes into an IPv6 address.
fn mapped_address(value: &[u8], xor: bool, transaction_id: &[u8]) -> Option<Value> {
    if value.len() < 8 {
        return None;
    }
    let family = value[1];
    let mut port = u16_at(value, 2)?;
    let cookie = MAGIC_COOKIE.to_be_bytes();
    if xor {
        port ^= (MAGIC_COOKIE >> 16) as u16;
    }
    let (ip, family) = match family {
        FAMILY_IPV4 => {
            let mut b: [u8; 4] = value.get(4..8)?.try_into().ok()?;
            if xor {
                b.iter_mut().zip(cookie).for_each(|(x, k)| *x ^= k);
            }
            (Ipv4Addr::from(b).to_string(), "IPv4")
        }
        FAMILY_IPV6 if value.len() >= 20 => {
            let mut b: [u8; 16] = value.get(4..20)?.try_into().ok()?;
            if xor {
                let key = cookie.iter().chain(transaction_id);
                b.iter_mut().zip(key).for_each(|(x, k)| *x ^= k);
            }
            let groups: Vec<String> = b.chunks(2).map(|g| format!("{:02x}{:02x}", g[0], g[1])).collect();
            (groups.join(":"), "IPv6")
        }
        _ => return None,
    };
    let o = Obj::ordinary();
    put(&o, "ip", Value::string(ip));
    put(&o, "port", Value::num(f64::from(port)));
    put(&o, "family", Value::str(family));
    Some(Value::Object(o))
}

/// Reads one STUN message (see the notes at the top of this file).
pub fn decode(buf: &[u8]) -> JsResult<Value> {
    if buf.len() < HEADER_LEN {
        return fail("STUN decode: message too short");
    }
    let result = Obj::ordinary();
    let msg_type = u16_at(buf, 0).unwrap_or_default();
    match msg_type {
        BINDING_REQUEST => put(&result, "type", Value::str("BindingRequest")),
        BINDING_RESPONSE => put(&result, "type", Value::str("BindingResponse")),
        _ => return fail("STUN decode: unknown message type"),
    }
    if buf[4..8] != MAGIC_COOKIE.to_be_bytes() {
        return fail("STUN decode: invalid magic cookie");
    }
    let transaction_id = &buf[8..HEADER_LEN];
    put(&result, "transactionId", event::data_value(transaction_id.to_vec().into()));
    let msg_len = usize::from(u16_at(buf, 2).unwrap_or_default());
    if buf.len() < HEADER_LEN + msg_len {
        return fail("STUN decode: message length mismatch");
    }
    if msg_type == BINDING_RESPONSE {
        let mut pos = HEADER_LEN;
        while let (Some(attr_type), Some(attr_len)) = (u16_at(buf, pos), u16_at(buf, pos + 2)) {
            pos += 4;
            let Some(value) = buf.get(pos..pos + usize::from(attr_len)) else { break };
            if attr_type == ATTR_MAPPED_ADDRESS || attr_type == ATTR_XOR_MAPPED_ADDRESS {
                let xor = attr_type == ATTR_XOR_MAPPED_ADDRESS;
                if let Some(addr) = mapped_address(value, xor, transaction_id) {
                    put(&result, "mappedAddress", addr);
                    break;
                }
            }
            // Values are padded to a multiple of 4 bytes.
            pos = (pos + value.len()).next_multiple_of(4);
        }
    }
    Ok(Value::Object(result))
}

/// Writes the Binding Request that `msg` describes (see the notes at the top of this file).
pub fn encode(msg: &Value) -> JsResult<Vec<u8>> {
    let Value::String(ty) = ops::get_str(msg, "type")? else { return fail("STUN encode: type must be a string") };
    if ty.to_rust_string() != "BindingRequest" {
        return fail("STUN encode: only BindingRequest is supported");
    }
    let Some(tid) = event::as_data(&ops::get_str(msg, "transactionId")?) else {
        return fail("STUN encode: transactionId must be Data");
    };
    let tid = tid.to_vec();
    if tid.len() != TRANSACTION_ID_LEN {
        return fail("STUN encode: transactionId must be 12 bytes");
    }
    let mut out = Vec::with_capacity(HEADER_LEN);
    out.extend_from_slice(&BINDING_REQUEST.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
    out.extend_from_slice(&tid);
    Ok(out)
}

fn stun_decode(_: &Value, args: &[Value]) -> JsResult<Value> {
    match event::as_data(&arg(args, 0)) {
        Some(d) => decode(&d.to_vec()),
        None => fail("STUN.decode: argument must be Data"),
    }
}

fn stun_encode(_: &Value, args: &[Value]) -> JsResult<Value> {
    match arg(args, 0) {
        v @ Value::Object(_) => Ok(event::data_value(encode(&v)?.into())),
        _ => fail("STUN.encode: argument must be an object"),
    }
}

pub fn install() {
    let stun = Obj::ordinary();
    util::method(&stun, "decode", 1, stun_decode);
    util::method(&stun, "encode", 1, stun_encode);
    util::global("STUN", Value::Object(stun));
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipy_protocols::rng::XorShift;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    fn field(v: &Value, path: &[&str]) -> String {
        let mut v = v.clone();
        for k in path {
            v = ops::get_str(&v, k).expect("get");
        }
        ops::to_rust_string(&v).expect("a string")
    }

    const TID: &str = "0102030405060708090a0b0c";

    #[test]
    fn xor_mapped_ipv4_and_ipv6() {
        util::testing::setup();
        let v4 = hex(&format!("0101000c2112a442{TID}0020000800019fc7e112a643"));
        let v = decode(&v4).expect("decodes");
        assert_eq!(field(&v, &["mappedAddress", "ip"]), "192.0.2.1");
        assert_eq!(field(&v, &["mappedAddress", "port"]), "48853");
        // 2001:db8::1 port 3478, XORed with the cookie and the transaction id.
        let mut attr = vec![0, 2, 0x0d ^ 0x21, 0x96 ^ 0x12];
        let ip = hex("20010db8000000000000000000000001");
        let key: Vec<u8> = MAGIC_COOKIE.to_be_bytes().iter().chain(&hex(TID)).copied().collect();
        attr.extend(ip.iter().zip(&key).map(|(a, b)| a ^ b));
        let mut msg = hex(&format!("010100182112a442{TID}00200014"));
        msg.extend(attr);
        let v = decode(&msg).expect("decodes");
        assert_eq!(field(&v, &["mappedAddress", "ip"]), "2001:0db8:0000:0000:0000:0000:0000:0001");
        assert_eq!(field(&v, &["mappedAddress", "port"]), "3478");
        assert_eq!(field(&v, &["mappedAddress", "family"]), "IPv6");
    }

    #[test]
    fn random_bytes_and_mutations_never_panic() {
        util::testing::setup();
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let good = hex(&format!("01010018{:08x}{TID}0020001400022f84e112a443030708090a0b0c0d0e0f0f", MAGIC_COOKIE));
        for _ in 0..10_000 {
            let len = rng.below(64);
            let mut bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            if bytes.len() >= 8 && rng.below(2) == 0 {
                bytes[0] = 1;
                bytes[1] = 1;
                bytes[2] = 0;
                bytes[3] = 0;
                bytes[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
            }
            let _ = decode(&bytes);
        }
        for _ in 0..10_000 {
            let mut bytes = good.clone();
            let i = 20 + rng.below(bytes.len() - 20);
            bytes[i] = rng.next_u64() as u8;
            bytes.truncate(20 + rng.below(bytes.len() - 19));
            let _ = decode(&bytes);
        }
    }
}
