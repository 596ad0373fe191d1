//! `IP` and `IPEndpoint`, as the original has them. `new IP('10.0.0.1' | '::1' | [bytes])` (4
//! bytes make an IPv4 address, more an IPv6 one) has `version`, `toString()`, `toBytes()` (the
//! bytes, network order) and `decompose()` (4 bytes, or 8 16-bit groups); `IP.isV4(text)` and
//! `IP.isV6(text)` check a notation. `new IPEndpoint(address | ip, port?, protocol = 'tcp')`
//! has `ip` (an `IP`), `port` (0 when not given) and `protocol` (`'tcp'` or `'udp'`). Unlike the
//! original, `IP.isV6` takes IPv6 text with an embedded IPv4 address (`::ffff:1.2.3.4`).

use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, Value, attr, error, ops};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

struct IpHost(IpAddr);

fn ip_of(v: &Value) -> Option<IpAddr> {
    match v {
        Value::Object(o) => o.with_host(|h: &mut IpHost| h.0),
        _ => None,
    }
}

fn this_ip(this: &Value) -> JsResult<IpAddr> {
    ip_of(this).ok_or_else(|| error::type_error("not an IP"))
}

/// An address from its bytes, as the original reads them: 4 make an IPv4 address, more an IPv6
/// one (missing bytes are 0).
pub fn from_bytes(values: &[Value]) -> JsResult<IpAddr> {
    let bytes: Vec<u8> = values.iter().map(|b| ops::to_number(b).map(|n| n as i64 as u8)).collect::<JsResult<_>>()?;
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
    Ok(if bytes.len() > 4 {
        IpAddr::V6(Ipv6Addr::from(std::array::from_fn::<u8, 16, _>(byte)))
    } else {
        IpAddr::V4(Ipv4Addr::from(std::array::from_fn::<u8, 4, _>(byte)))
    })
}

/// An address from its text or its bytes.
fn parse(v: &Value) -> JsResult<IpAddr> {
    match v {
        Value::String(_) => ops::to_rust_string(v)?
            .parse::<IpAddr>()
            .map_err(|_| error::type_error("new IP(): invalid IP address notation")),
        Value::Object(o) if o.is_array() => from_bytes(&o.array_elements().unwrap_or_default()),
        _ => Err(error::type_error("new IP(): expected a string or an array of bytes")),
    }
}

fn numbers(v: impl IntoIterator<Item = u32>) -> Value {
    ops::new_array(v.into_iter().map(|n| Value::num(f64::from(n))).collect())
}

pub fn install() {
    let proto = util::class_prototype();
    util::getter(&proto, "version", |this, _| Ok(Value::num(if this_ip(this)?.is_ipv4() { 4.0 } else { 6.0 })));
    util::method(&proto, "toString", 0, |this, _| Ok(Value::string(this_ip(this)?.to_string())));
    util::method(&proto, "toBytes", 0, |this, _| {
        Ok(match this_ip(this)? {
            IpAddr::V4(a) => numbers(a.octets().map(u32::from)),
            IpAddr::V6(a) => numbers(a.octets().map(u32::from)),
        })
    });
    util::method(&proto, "decompose", 0, |this, _| {
        Ok(match this_ip(this)? {
            IpAddr::V4(a) => numbers(a.octets().map(u32::from)),
            IpAddr::V6(a) => numbers(a.segments().map(u32::from)),
        })
    });
    let ip_proto = proto.clone();
    // The classes are made on a holder, then put in the global scope under their names.
    let holder = Obj::ordinary();
    util::namespace_class(&holder, "IP", 1, &proto, |proto, args| {
        let ip = parse(&arg(args, 0))?;
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(IpHost(ip))))))
    });
    let Ok(Value::Object(ctor)) = ops::get_str(&Value::Object(holder.clone()), "IP") else { return };
    util::method(&ctor, "isV4", 1, |_, args| {
        Ok(Value::Bool(ops::to_rust_string(&arg(args, 0))?.parse::<Ipv4Addr>().is_ok()))
    });
    util::method(&ctor, "isV6", 1, |_, args| {
        Ok(Value::Bool(ops::to_rust_string(&arg(args, 0))?.parse::<Ipv6Addr>().is_ok()))
    });
    util::global("IP", Value::Object(ctor));

    let ep_proto = util::class_prototype();
    util::namespace_class(&holder, "IPEndpoint", 3, &ep_proto, move |proto, args| {
        let a = arg(args, 0);
        let ip = match ip_of(&a) {
            Some(ip) => ip,
            None if matches!(a, Value::String(_)) => parse(&a)?,
            None => return Err(error::type_error("new IPEndpoint(): expected an address or an IP")),
        };
        let (port, protocol) = match arg(args, 1) {
            Value::Number(p) => (Some(p), arg(args, 2)),
            other => (None, other),
        };
        if port.is_some_and(|p| !(0.0..=65535.0).contains(&p) || p.fract() != 0.0) {
            return Err(error::type_error("new IPEndpoint(): port number out of range"));
        }
        let protocol = match protocol {
            Value::Undefined => "tcp".to_string(),
            v => ops::to_rust_string(&v)?,
        };
        if protocol != "tcp" && protocol != "udp" {
            return Err(error::type_error(&format!("new IPEndpoint(): invalid protocol '{protocol}'")));
        }
        let o = Obj::new(Some(proto.clone()), ObjectKind::Ordinary);
        let ipv = Value::Object(Obj::new(Some(ip_proto.clone()), ObjectKind::Host(Box::new(IpHost(ip)))));
        o.define_value("ip", ipv, attr::DEFAULT);
        o.define_value("port", Value::num(port.unwrap_or(0.0)), attr::DEFAULT);
        o.define_value("protocol", Value::string(protocol), attr::DEFAULT);
        Ok(Value::Object(o))
    });
    if let Ok(v) = ops::get_str(&Value::Object(holder), "IPEndpoint") {
        util::global("IPEndpoint", v);
    }
}
