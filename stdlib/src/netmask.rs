//! `new Netmask(cidr)`: an IPv4 or IPv6 block in CIDR notation (`'10.0.0.0/8'`, `'fd00::/64'`;
//! no `/n` means `/0`). Read-only properties `version`, `ip` (the address as written), `bitmask`,
//! `base`, `mask`, `hostmask`, `broadcast`, `size`, `first`, `last`; methods `contains(ip)`,
//! `next()` (the block's addresses in turn, then `''`), `decompose()` (the address's numbers),
//! `toBytes()` and `toString()` (the CIDR as given). Addresses print as `std::net` prints them
//! (IPv6 compressed).

use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};
use std::net::{Ipv4Addr, Ipv6Addr};

/// A parsed block; addresses are held as u128 (IPv4 in the low 32 bits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub cidr: String,
    pub v6: bool,
    pub ip: u128,
    pub bits: u32,
    /// The next offset `next()` gives.
    pub cursor: u128,
}

impl Block {
    pub fn parse(cidr: &str) -> Result<Block, String> {
        let (addr, bits) = match cidr.split_once('/') {
            Some((a, b)) => (a, b.trim().parse::<u32>().map_err(|_| format!("invalid CIDR mask in '{cidr}'"))?),
            None => (cidr, 0),
        };
        let (v6, ip, width) = if let Ok(a) = addr.trim().parse::<Ipv4Addr>() {
            (false, u32::from(a) as u128, 32)
        } else if let Ok(a) = addr.trim().parse::<Ipv6Addr>() {
            (true, u128::from(a), 128)
        } else {
            return Err(format!("invalid CIDR notation '{cidr}'"));
        };
        if bits > width {
            return Err(format!("CIDR mask out of range in '{cidr}'"));
        }
        Ok(Block { cidr: cidr.to_string(), v6, ip, bits, cursor: 0 })
    }

    fn width(&self) -> u32 {
        if self.v6 { 128 } else { 32 }
    }
    /// All ones in the address width.
    fn all(&self) -> u128 {
        if self.v6 { u128::MAX } else { u32::MAX as u128 }
    }
    pub fn mask(&self) -> u128 {
        if self.bits == 0 { 0 } else { self.all() & !(self.all() >> self.bits) }
    }
    pub fn hostmask(&self) -> u128 {
        self.all() & !self.mask()
    }
    pub fn base(&self) -> u128 {
        self.ip & self.mask()
    }
    pub fn broadcast(&self) -> u128 {
        self.base() | self.hostmask()
    }
    /// The first usable address (the base itself in a /32 or /128).
    pub fn first(&self) -> u128 {
        self.base() | (self.hostmask() & 1)
    }
    /// The last usable address (the one before the broadcast address).
    pub fn last(&self) -> u128 {
        let h = self.hostmask();
        self.base() | (h & h.wrapping_sub(1))
    }
    pub fn size(&self) -> f64 {
        2f64.powi((self.width() - self.bits) as i32)
    }
    pub fn text(&self, a: u128) -> String {
        if self.v6 { Ipv6Addr::from(a).to_string() } else { Ipv4Addr::from(a as u32).to_string() }
    }
    pub fn contains(&self, addr: &str) -> bool {
        let a = if self.v6 {
            addr.trim().parse::<Ipv6Addr>().map(u128::from).ok()
        } else {
            addr.trim().parse::<Ipv4Addr>().map(|a| u32::from(a) as u128).ok()
        };
        a.is_some_and(|a| a & self.mask() == self.base())
    }
    /// The next address of the block, or None once all were given.
    pub fn next_address(&mut self) -> Option<u128> {
        if self.cursor > self.hostmask() {
            return None;
        }
        let a = self.base() | self.cursor;
        self.cursor += 1;
        Some(a)
    }
    pub fn bytes(&self) -> Vec<u8> {
        if self.v6 { self.ip.to_be_bytes().to_vec() } else { (self.ip as u32).to_be_bytes().to_vec() }
    }
}

thread_local! {
    /// The prototype of `IPMask` (and `Netmask`) objects, for objects made in Rust.
    static PROTO: std::cell::RefCell<Option<Obj>> = const { std::cell::RefCell::new(None) };
}

/// An `IPMask` object of the IPv4 block `address/bits` (as `new IPMask(bits, address)`).
pub fn ipv4_mask(bits: u8, address: [u8; 4]) -> Value {
    let cidr = format!("{}/{bits}", Ipv4Addr::from(address));
    let block =
        Block { cidr, v6: false, ip: u128::from(u32::from_be_bytes(address)), bits: u32::from(bits), cursor: 0 };
    let proto = PROTO.with(|p| p.borrow().clone());
    Value::Object(Obj::new(proto, ObjectKind::Host(Box::new(block))))
}

/// The address and bit count of an `IPMask` (or `Netmask`) object: None when `v` is not one,
/// Some(None) when it is an IPv6 block.
pub fn ipv4_of(v: &Value) -> Option<Option<(u8, [u8; 4])>> {
    let Value::Object(o) = v else { return None };
    o.with_host(|b: &mut Block| (!b.v6).then(|| (b.bits as u8, (b.ip as u32).to_be_bytes())))
}

fn with_block<R>(this: &Value, f: impl FnOnce(&mut Block) -> R) -> JsResult<R> {
    let r = match this {
        Value::Object(o) => o.with_host(f),
        _ => None,
    };
    r.ok_or_else(|| error::type_error("not a Netmask"))
}

fn address(this: &Value, pick: fn(&Block) -> u128) -> JsResult<Value> {
    with_block(this, |b| Value::str(&b.text(pick(b))))
}

fn numbers(v: Vec<u64>) -> Value {
    Value::Object(Obj::array(v.into_iter().map(|n| Value::Number(n as f64)).collect()))
}

pub fn install() {
    let proto = util::class_prototype();
    PROTO.with(|p| *p.borrow_mut() = Some(proto.clone()));
    util::getter(&proto, "version", |t, _| with_block(t, |b| Value::from(if b.v6 { 6usize } else { 4 })));
    util::getter(&proto, "ip", |t, _| address(t, |b| b.ip));
    util::getter(&proto, "bitmask", |t, _| with_block(t, |b| Value::from(b.bits as usize)));
    util::getter(&proto, "base", |t, _| address(t, Block::base));
    util::getter(&proto, "mask", |t, _| address(t, Block::mask));
    util::getter(&proto, "hostmask", |t, _| address(t, Block::hostmask));
    util::getter(&proto, "broadcast", |t, _| address(t, Block::broadcast));
    util::getter(&proto, "first", |t, _| address(t, Block::first));
    util::getter(&proto, "last", |t, _| address(t, Block::last));
    util::getter(&proto, "size", |t, _| with_block(t, |b| Value::Number(b.size())));
    util::method(&proto, "contains", 1, |t, args| {
        let ip = ops::to_rust_string(&arg(args, 0))?;
        with_block(t, |b| Value::Bool(b.contains(&ip)))
    });
    util::method(&proto, "next", 0, |t, _| {
        with_block(t, |b| match b.next_address() {
            Some(a) => Value::str(&b.text(a)),
            None => Value::str(""),
        })
    });
    util::method(&proto, "decompose", 0, |t, _| {
        with_block(t, |b| {
            let bytes = b.bytes();
            if b.v6 {
                numbers(bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]) as u64).collect())
            } else {
                numbers(bytes.iter().map(|&x| x as u64).collect())
            }
        })
    });
    util::method(&proto, "toBytes", 0, |t, _| {
        with_block(t, |b| numbers(b.bytes().iter().map(|&x| x as u64).collect()))
    });
    util::method(&proto, "toString", 0, |t, _| with_block(t, |b| Value::str(&b.cidr)));
    let global = pipy_value::realm::intrinsics().global.clone();
    util::namespace_class(&global, "Netmask", 1, &proto, |proto, args| {
        let cidr = ops::to_rust_string(&arg(args, 0))?;
        let block = Block::parse(&cidr).map_err(|e| error::type_error(&format!("new Netmask(): {e}")))?;
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(block)))))
    });
    // `IPMask`, the original's newer name for the same thing: `new IPMask('10.0.0.0/8')`, or
    // `new IPMask(bits, bytes)` with the address as bytes (4 for IPv4, 16 for IPv6).
    let ipmask_proto = proto.clone();
    util::namespace_class(&global, "IPMask", 2, &ipmask_proto, |proto, args| {
        let cidr = match (arg(args, 0), arg(args, 1)) {
            (Value::Number(bits), Value::Object(o)) if o.is_array() => {
                format!("{}/{bits}", crate::ip::from_bytes(&o.array_elements().unwrap_or_default())?)
            }
            (v @ Value::String(_), _) => ops::to_rust_string(&v)?,
            _ => return Err(error::type_error("new IPMask(): expected a CIDR string, or a bit count and bytes")),
        };
        let block = Block::parse(&cidr).map_err(|e| error::type_error(&format!("new IPMask(): {e}")))?;
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(block)))))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_and_v6_blocks() {
        let b = Block::parse("192.168.1.77/24").expect("v4");
        assert_eq!(b.text(b.base()), "192.168.1.0");
        assert_eq!(b.text(b.mask()), "255.255.255.0");
        assert_eq!(b.text(b.hostmask()), "0.0.0.255");
        assert_eq!(
            (b.text(b.first()), b.text(b.last()), b.text(b.broadcast())),
            ("192.168.1.1".into(), "192.168.1.254".into(), "192.168.1.255".into())
        );
        assert_eq!(b.size(), 256.0);
        assert!(b.contains("192.168.1.200") && !b.contains("192.168.2.1") && !b.contains("::1"));
        let b = Block::parse("10.0.0.5").expect("no mask");
        assert_eq!((b.bits, b.text(b.mask()), b.size()), (0, "0.0.0.0".into(), 4294967296.0));
        let mut b = Block::parse("fd00::1/126").expect("v6");
        assert_eq!(b.text(b.base()), "fd00::");
        assert_eq!(b.text(b.last()), "fd00::2");
        let mut all = Vec::new();
        while let Some(a) = b.next_address() {
            all.push(b.text(a));
        }
        assert_eq!(all, ["fd00::", "fd00::1", "fd00::2", "fd00::3"]);
        assert!(Block::parse("1.2.3.4/33").is_err());
        assert!(Block::parse("nope/8").is_err());
        let host = Block::parse("1.2.3.4/32").expect("/32");
        assert_eq!((host.text(host.first()), host.size()), ("1.2.3.4".into(), 1.0));
    }
}
