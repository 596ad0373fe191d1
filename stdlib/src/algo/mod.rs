//! The Pipy `algo` namespace: routing, load balancing, caching and rate-limiting helpers that
//! proxy scripts build their configuration from (`new algo.URLRouter(...)`,
//! `new algo.RoundRobinLoadBalancer(...)`, `new algo.Cache(...)`, `new algo.ResourcePool(...)`,
//! ...), plus `algo.hash()` and `algo.uuid()`.
//!
//! This file owns the namespace object, the helpers the classes share (value keys, duration
//! parsing, the clock, the class-definition helper) and the default-borrower hook. Each class
//! lives in its own file.

mod balancer;
mod cache;
mod hashing;
mod least_work;
mod load_balancer;
pub mod percentile;
mod quota;
mod resource_pool;
mod round_robin;
mod shared_map;
mod url_router;

use crate::util;
use pipy_value::function::{self, NativeFn};
use pipy_value::{JsResult, Obj, Value, error, ops};
use std::cell::Cell;
use std::hash::{Hash, Hasher};
use std::time::Instant;

pub fn install() {
    pipy_value::cycles::trace_host::<balancer::BalancerHost>(balancer::trace);
    let ns = Obj::ordinary();
    url_router::install(&ns);
    cache::install(&ns);
    quota::install(&ns);
    balancer::install(&ns);
    load_balancer::install(&ns);
    shared_map::install(&ns);
    percentile::install(&ns);
    resource_pool::install(&ns);
    util::method(&ns, "hash", 1, algo_hash);
    util::method(&ns, "uuid", 0, algo_uuid);
    util::global("algo", Value::Object(ns));
}

// ---------------------------------------------------------------------------------------------
// Default borrower
// ---------------------------------------------------------------------------------------------

thread_local! {
    static BORROWER_HOOK: Cell<Option<fn() -> Value>> = const { Cell::new(None) };
}

/// Installs the function that names the default borrower of `balancer.next()`/`borrow()` when a
/// script passes none. The engine sets it to "the current inbound connection object"; it must
/// return the same object for the whole life of a connection (a fresh wrapper per call would
/// defeat stickiness). Returning undefined means "no borrower" (every call selects anew).
pub fn set_default_borrower_hook(f: fn() -> Value) {
    BORROWER_HOOK.with(|h| h.set(Some(f)));
}

/// The hook's borrower, or undefined when no hook is installed.
pub(crate) fn default_borrower() -> Value {
    BORROWER_HOOK.with(|h| h.get()).map(|f| f()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// A JS value as a hash-map key: primitives by value (SameValueZero, so `-0` equals `0` and NaN
/// equals NaN), symbols and objects by identity. A map keyed by an object's address must also keep
/// the object (or a weak handle to it) so that the address cannot be reused under it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) enum ValueKey {
    Undefined,
    Null,
    Bool(bool),
    Number(u64),
    String(Box<[u16]>),
    Symbol(usize),
    Object(usize),
}

pub(crate) fn key_of(v: &Value) -> ValueKey {
    match v {
        Value::Undefined | Value::Hole => ValueKey::Undefined,
        Value::Null => ValueKey::Null,
        Value::Bool(b) => ValueKey::Bool(*b),
        Value::Number(n) => {
            let n = if *n == 0.0 { 0.0 } else { *n };
            ValueKey::Number(if n.is_nan() { f64::NAN.to_bits() } else { n.to_bits() })
        }
        Value::String(s) => ValueKey::String(s.units().into_owned().into_boxed_slice()),
        Value::Symbol(s) => ValueKey::Symbol(std::rc::Rc::as_ptr(&s.0) as usize),
        Value::Object(o) => ValueKey::Object(o.addr()),
    }
}

/// A 64-bit hash of a value: FNV-1a over the string's code units or the number's bits, so that
/// it is stable across runs for primitives (hashing balancers then map keys the same way every
/// time); objects hash by identity.
pub(crate) fn hash_value(v: &Value) -> u64 {
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 ^= u64::from(*b);
                self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    key_of(v).hash(&mut h);
    h.finish()
}

/// Milliseconds on a monotonic clock (its origin is the first call on this thread).
pub(crate) fn now_ms() -> f64 {
    thread_local! {
        static ORIGIN: Instant = Instant::now();
    }
    ORIGIN.with(|o| o.elapsed().as_secs_f64() * 1000.0)
}

/// Parses a duration option the way Pipy does: a number is seconds; a string is a number followed
/// by nothing (seconds) or by a unit whose first letter is `s`, `m`, `h` or `d`. `None` when it is
/// neither (undefined included; callers keep their default then).
pub(crate) fn get_seconds(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) if !n.is_nan() => Some(*n),
        Value::String(s) => parse_seconds(&s.to_rust_string()),
        _ => None,
    }
}

fn parse_seconds(s: &str) -> Option<f64> {
    let s = s.trim();
    let end = s.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))).unwrap_or(s.len());
    let (num, unit) = s.split_at(end);
    let n: f64 = num.parse().ok()?;
    let factor = match unit.chars().next().map(|c| c.to_ascii_lowercase()) {
        None => 1.0,
        Some('s') => 1.0,
        Some('m') => 60.0,
        Some('h') => 3600.0,
        Some('d') => 86400.0,
        Some(_) => return None,
    };
    Some(n * factor)
}

/// Reads option `name` of an options object (undefined when `opts` is not an object).
pub(crate) fn option(opts: &Value, name: &str) -> JsResult<Value> {
    if opts.is_object() { ops::get_str(opts, name) } else { Ok(Value::Undefined) }
}

/// Defines constructor `name` on the namespace with prototype `proto`. The constructor throws
/// when called without `new`.
pub(crate) fn define_class(ns: &Obj, name: &'static str, length: u32, proto: &Obj, f: NativeFn) -> Obj {
    let body: NativeFn = std::rc::Rc::new(move |this, args, nt| {
        if nt.is_none() {
            return Err(error::type_error(&format!("Class constructor {name} cannot be invoked without 'new'")));
        }
        f(this, args, nt)
    });
    let c = function::native_function(name, length, body, true);
    c.define_value("prototype", Value::Object(proto.clone()), 0);
    proto.define_hidden("constructor", Value::Object(c.clone()));
    ns.define_hidden(name, Value::Object(c.clone()));
    c
}

/// The prototype for a new instance: `new.target.prototype` (so subclasses work) or `proto`.
pub(crate) fn instance_proto(nt: Option<&Obj>, proto: &Obj) -> JsResult<Obj> {
    match nt {
        Some(nt) => function::prototype_from_ctor(nt, |_| proto.clone()),
        None => Ok(proto.clone()),
    }
}

/// Runs `f` on the host state `T` of `this`, or throws a TypeError naming `what`.
pub(crate) fn with_this<T: 'static, R>(this: &Value, what: &str, f: impl FnOnce(&mut T) -> R) -> JsResult<R> {
    let err = || error::type_error(&format!("{what} called on an incompatible object"));
    let Value::Object(o) = this else { return Err(err()) };
    o.with_host(f).ok_or_else(err)
}

/// A string argument as a Rust string (ToString).
pub(crate) fn string_arg(args: &[Value], i: usize) -> JsResult<String> {
    ops::to_rust_string(&util::arg(args, i))
}

// ---------------------------------------------------------------------------------------------
// algo.hash / algo.uuid
// ---------------------------------------------------------------------------------------------

fn algo_hash(_: &Value, args: &[Value]) -> JsResult<Value> {
    // Masked to 53 bits so the number is exact in a double.
    Ok(Value::Number((hash_value(&util::arg(args, 0)) & ((1u64 << 53) - 1)) as f64))
}

thread_local! {
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// xorshift64*, seeded once per thread from the clock and a stack address. Not cryptographic
/// (neither is the original's mt19937).
pub(crate) fn random_u64() -> u64 {
    RNG.with(|r| {
        let mut x = r.get();
        if x == 0 {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x9e37_79b9_7f4a_7c15);
            let local = 0u8;
            x = t ^ ((&local as *const u8 as u64).rotate_left(32)) ^ 0x2545_f491_4f6c_dd1d;
            if x == 0 {
                x = 0x9e37_79b9_7f4a_7c15;
            }
        }
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        r.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    })
}

pub(crate) fn make_uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&random_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&random_u64().to_le_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn algo_uuid(_: &Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::string(make_uuid_v4()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::testing::*;

    #[test]
    fn durations() {
        assert_eq!(get_seconds(&Value::Number(5.0)), Some(5.0));
        assert_eq!(get_seconds(&Value::str("5")), Some(5.0));
        assert_eq!(get_seconds(&Value::str("5s")), Some(5.0));
        assert_eq!(get_seconds(&Value::str("10m")), Some(600.0));
        assert_eq!(get_seconds(&Value::str("1.5h")), Some(5400.0));
        assert_eq!(get_seconds(&Value::str("2d")), Some(172800.0));
        assert_eq!(get_seconds(&Value::str("abc")), None);
        assert_eq!(get_seconds(&Value::str("5x")), None);
        assert_eq!(get_seconds(&Value::Undefined), None);
    }

    #[test]
    fn hash_is_stable_and_53_bits() {
        setup();
        let a = call("algo.hash", &Value::Undefined, &[Value::str("abc")]).unwrap_or_default();
        let b = call("algo.hash", &Value::Undefined, &[Value::str("abc")]).unwrap_or_default();
        let c = call("algo.hash", &Value::Undefined, &[Value::str("abd")]).unwrap_or_default();
        assert_eq!(s(&a), s(&b));
        assert_ne!(s(&a), s(&c));
        let n = a.as_number().unwrap_or(-1.0);
        assert!((0.0..9007199254740992.0).contains(&n) && n.fract() == 0.0);
        assert_eq!(key_of(&Value::Number(-0.0)), key_of(&Value::Number(0.0)));
    }

    #[test]
    fn uuid_format() {
        setup();
        let a = s(&call("algo.uuid", &Value::Undefined, &[]).unwrap_or_default());
        let b = s(&call("algo.uuid", &Value::Undefined, &[]).unwrap_or_default());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }
}
