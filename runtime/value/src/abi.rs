//! The value ABI between JIT-compiled code and the runtime: the one place that declares it.
//!
//! * Layout: a `Value` is 16 bytes, tag word at offset 0 (`value::tag`; compiled code reads and
//!   writes its low byte, the other seven are always zero), payload at offset 8.
//!   A register file is a `*mut Value` array; `Frame` keeps it at offset `FRAME_REGS` and the
//!   current source offset at `FRAME_POS`.
//! * Helpers: every `extern "C"` function compiled code may call is declared once, in the
//!   `helpers!` list below. The macro generates the functions, the `Helper` enum the code
//!   generator names them by, and `Helper::ALL` with each one's address and signature, which the
//!   JIT registers (and nothing else). Every helper returns a `u32`: 0 for success and 1 when it
//!   left a pending exception in the realm (a few document other codes).
//! * No unwinding crosses JIT frames: each helper body runs under `catch_unwind`; a Rust panic
//!   becomes a pending `InternalError` exception, so a bug ends one script action, not the process.
//!
//! Safety contract for every pointer argument: it was computed by compiled code from the
//! `Frame` it was given (`regs + 16 * index` with `index < nregs`), from a constant pool or IC
//! table that the compiled module keeps alive as long as its code, or it is that `Frame` itself.
//! Register pointers are therefore valid, aligned and initialised `Value`s for the call's
//! duration. Operands are read (cloned) before a destination is written, so a destination that
//! aliases an operand is never borrowed twice at once.

#![allow(clippy::not_unsafe_ptr_arg_deref)] // The helpers are `extern "C"` entry points for JIT code; see the contract above.

use crate::calls::frame_args;
use crate::error::{self, JsResult};
use crate::function::{self, Frame, FuncTemplate, VarCell};
pub use crate::ic::{
    IC_GET_SHAPE, IC_GET_SHAPE2, IC_GET_SLOT, IC_GET_SLOT2, IC_PROTO_CELL, IC_PROTO_EPOCH, IC_PROTO_EPOCH_AT,
    IC_PROTO_SHAPE, IC_PROTO_SLOT, IC_SET_SHAPE, IC_SET_SLOT, IcEntry, NO_SHAPE, PropIc, SiteCache,
};
use crate::ic::{ic_fill, ic_fill_init, ic_fill_primitive, ic_fill_set, ic_get, ic_get_primitive, ic_init, ic_set};
pub use crate::objcell::{CELL_BORROW, CELL_ELEMS, CELL_ELEMS_LEN, CELL_PROTO, CELL_SHAPE, CELL_SLOTS};
use crate::object::{Obj, ObjectKind, PropertyDescriptor};
use crate::ops::{self, BinOp, CmpOp};
use crate::realm;
use crate::shape::{PropKey, attr};
use crate::string::JsString;
use crate::value::{Symbol, Value};
use std::rc::Rc;

/// Offset of `Frame::regs`.
pub const FRAME_REGS: i32 = 0;
/// Offset of `Frame::pos`.
pub const FRAME_POS: i32 = 8;
/// Offset of `Frame::result`.
pub const FRAME_RESULT: i32 = std::mem::offset_of!(Frame, result) as i32;
const _: () = assert!(FRAME_RESULT > FRAME_POS && FRAME_POS == std::mem::offset_of!(Frame, pos) as i32);
/// Size of a `Value` in bytes.
pub const VALUE_SIZE: i32 = 16;
/// Offset of the payload in a `Value`.
pub const VALUE_PAYLOAD: i32 = 8;

pub const STATUS_OK: u32 = 0;
pub const STATUS_THROW: u32 = 1;
/// `rt_iter_next`: the iterator is exhausted.
pub const STATUS_DONE: u32 = 2;

/// How a helper argument is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiType {
    Ptr,
    U32,
    F64,
}

pub trait AbiArg {
    const TYPE: AbiType;
}
impl<T> AbiArg for *mut T {
    const TYPE: AbiType = AbiType::Ptr;
}
impl<T> AbiArg for *const T {
    const TYPE: AbiType = AbiType::Ptr;
}
impl AbiArg for u32 {
    const TYPE: AbiType = AbiType::U32;
}
impl AbiArg for f64 {
    const TYPE: AbiType = AbiType::F64;
}

/// One entry of the helper table.
pub struct HelperDecl {
    pub name: &'static str,
    pub addr: *const u8,
    pub params: &'static [AbiType],
}

fn internal_error() -> u32 {
    realm::set_exception(error::make_error(error::ErrorKind::Error, "InternalError: a runtime helper failed"));
    STATUS_THROW
}

/// A helper body runs under `catch_unwind`, unless it is marked `leaf`: leaves only copy values
/// and write registers (nothing in them can panic), and skipping the guard matters on the hottest
/// paths (returns, moves).
macro_rules! helper_body {
    (leaf; $body:block) => {
        $body
    };
    (; $body:block) => {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> u32 { $body })) {
            Ok(r) => r,
            Err(_) => internal_error(),
        }
    };
}

macro_rules! helpers {
    ($( $(#[$meta:meta])* fn $name:ident ( $($p:ident : $t:ty),* ) $($leaf:ident)? $body:block )*) => {
        $(
            $(#[$meta])*
            pub extern "C" fn $name($($p: $t),*) -> u32 {
                helper_body!($($leaf)?; $body)
            }
        )*

        /// Names of the helpers, for the code generator.
        #[allow(non_camel_case_types)] // Variants are spelled exactly like the symbols they name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Helper { $($name),* }

        impl Helper {
            pub const ALL: &'static [Helper] = &[$(Helper::$name),*];
            pub fn decl(self) -> HelperDecl {
                match self {
                    $(Helper::$name => HelperDecl {
                        name: stringify!($name),
                        addr: $name as *const u8,
                        params: &[$(<$t as AbiArg>::TYPE),*],
                    }),*
                }
            }
        }
    };
}

/// Turns a `JsResult` into a status, leaving the exception pending.
fn status(r: JsResult<()>) -> u32 {
    match r {
        Ok(()) => STATUS_OK,
        Err(e) => {
            realm::set_exception(e);
            STATUS_THROW
        }
    }
}

// The three accessors below: callers pass register, constant-pool or IC pointers that are valid
// for the duration of the helper call (the module contract).
fn read(p: *const Value) -> Value {
    // SAFETY: `p` points at a live, initialised `Value` (module contract); we clone, not move.
    unsafe { (*p).clone() }
}
fn read_ref<'a>(p: *const Value) -> &'a Value {
    // SAFETY: as `read`; the reference does not outlive the helper call that received `p`.
    unsafe { &*p }
}
fn write(p: *mut Value, v: Value) {
    // SAFETY: `p` points at a live, initialised register or slot that nothing else borrows during
    // the helper call (module contract); the old value is released, as a register move does.
    crate::value::store(unsafe { &mut *p }, v)
}
fn frame_mut<'a>(f: *mut Frame) -> &'a mut Frame {
    // SAFETY: `f` is the frame `enter` passed to the compiled function, alive until it returns.
    unsafe { &mut *f }
}
fn set<T>(dst: *mut Value, r: JsResult<T>, f: impl FnOnce(T) -> Value) -> u32 {
    match r {
        Ok(v) => {
            write(dst, f(v));
            STATUS_OK
        }
        Err(e) => {
            realm::set_exception(e);
            STATUS_THROW
        }
    }
}
/// Stores a call's result in `dst` and returns its status.
fn entered(dst: *mut Value, e: function::Entered) -> u32 {
    match e {
        function::Entered::Returned(v) => {
            write(dst, v);
            STATUS_OK
        }
        function::Entered::Threw => STATUS_THROW,
    }
}
fn args_slice<'a>(argv: *const Value, argc: u32) -> &'a [Value] {
    if argc == 0 {
        return &[];
    }
    // SAFETY: `argv` points at `argc` consecutive registers of the caller's frame.
    unsafe { std::slice::from_raw_parts(argv, argc as usize) }
}

fn const_key(key: *const Value) -> PropKey {
    match read_ref(key) {
        Value::String(s) => PropKey::String(s.clone()),
        Value::Symbol(s) => PropKey::Symbol(s.clone()),
        other => PropKey::String(ops::to_string(other).unwrap_or_else(|_| JsString::empty())),
    }
}

/// Encoding of a capture source in `rt_closure`'s capture list: own cell `i` or env entry `i`.
pub const CAPTURE_ENV_BIT: u32 = 1 << 31;

/// Unary operators for `rt_unary`.
pub mod unop {
    pub const NEG: u32 = 0;
    pub const PLUS: u32 = 1;
    pub const NOT: u32 = 2;
    pub const BITNOT: u32 = 3;
    pub const TYPEOF: u32 = 4;
    pub const TO_NUMERIC: u32 = 5;
    pub const TO_STRING: u32 = 6;
    pub const TO_PROPERTY_KEY: u32 = 7;
}

/// Binary operators for `rt_binary` (beyond the arithmetic `BinOp`s, which use their index).
pub mod binop {
    // Arithmetic operators are their index in `ARITH_OPS`.
    pub const SUB: u32 = 0;
    pub const MUL: u32 = 1;
    pub const DIV: u32 = 2;
    pub const REM: u32 = 3;
    pub const EXP: u32 = 4;
    pub const SHL: u32 = 5;
    pub const SHR: u32 = 6;
    pub const USHR: u32 = 7;
    pub const BIT_AND: u32 = 8;
    pub const BIT_OR: u32 = 9;
    pub const BIT_XOR: u32 = 10;
    pub const ADD: u32 = 100;
    pub const STRICT_EQ: u32 = 101;
    pub const STRICT_NE: u32 = 102;
    pub const LOOSE_EQ: u32 = 103;
    pub const LOOSE_NE: u32 = 104;
    pub const LT: u32 = 105;
    pub const LE: u32 = 106;
    pub const GT: u32 = 107;
    pub const GE: u32 = 108;
    pub const INSTANCEOF: u32 = 109;
    pub const IN: u32 = 110;
}

pub const ARITH_OPS: [BinOp; 11] = [
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Rem,
    BinOp::Exp,
    BinOp::Shl,
    BinOp::Shr,
    BinOp::UShr,
    BinOp::BitAnd,
    BinOp::BitOr,
    BinOp::BitXor,
];

pub fn binary(op: u32, a: &Value, b: &Value) -> JsResult<Value> {
    Ok(match op {
        binop::ADD => ops::add(a, b)?,
        binop::STRICT_EQ => Value::Bool(ops::strict_equals(a, b)),
        binop::STRICT_NE => Value::Bool(!ops::strict_equals(a, b)),
        binop::LOOSE_EQ => Value::Bool(ops::loose_equals(a, b)?),
        binop::LOOSE_NE => Value::Bool(!ops::loose_equals(a, b)?),
        binop::LT => Value::Bool(ops::compare(CmpOp::Lt, a, b)?),
        binop::LE => Value::Bool(ops::compare(CmpOp::Le, a, b)?),
        binop::GT => Value::Bool(ops::compare(CmpOp::Gt, a, b)?),
        binop::GE => Value::Bool(ops::compare(CmpOp::Ge, a, b)?),
        binop::INSTANCEOF => Value::Bool(ops::instance_of(a, b)?),
        binop::IN => Value::Bool(ops::has_in(a, b)?),
        n if (n as usize) < ARITH_OPS.len() => ops::arith(ARITH_OPS[n as usize], a, b)?,
        _ => return Err(error::type_error("unknown operator")),
    })
}

pub fn unary(op: u32, a: &Value) -> JsResult<Value> {
    Ok(match op {
        unop::NEG => Value::Number(-ops::to_number(a)?),
        unop::PLUS | unop::TO_NUMERIC => Value::Number(ops::to_number(a)?),
        unop::NOT => Value::Bool(!a.truthy()),
        unop::BITNOT => Value::Number(!ops::to_int32(a)? as f64),
        unop::TYPEOF => Value::str(a.type_of()),
        unop::TO_STRING => Value::String(ops::to_string(a)?),
        unop::TO_PROPERTY_KEY => match ops::to_property_key(a)? {
            PropKey::String(s) => Value::String(s),
            PropKey::Symbol(s) => Value::Symbol(s),
        },
        _ => return Err(error::type_error("unknown operator")),
    })
}

fn element_key(key: &Value) -> JsResult<PropKey> {
    match key {
        Value::Number(n) if *n >= 0.0 && *n < 4294967295.0 && n.fract() == 0.0 => Ok(PropKey::index(*n as u32)),
        _ => ops::to_property_key(key),
    }
}

/// `o[key]` with a fast path for array elements.
pub fn get_elem(o: &Value, key: &Value) -> JsResult<Value> {
    if let (Value::Object(obj), Value::Number(n)) = (o, key) {
        let i = *n as usize;
        if i as f64 == *n {
            if let ObjectKind::Array(v) = &obj.borrow().kind {
                if let Some(x) = v.get(i) {
                    if !x.is_hole() {
                        return Ok(x.clone());
                    }
                }
            }
        }
    }
    ops::get(o, &element_key(key)?)
}

pub fn set_elem(o: &Value, key: &Value, v: Value, strict: bool) -> JsResult<()> {
    if let (Value::Object(obj), Value::Number(n)) = (o, key) {
        let i = *n as usize;
        if i as f64 == *n {
            let mut b = obj.borrow_mut();
            let frozen = b.elements_frozen || !b.extensible;
            let sealed = b.elements_sealed;
            if let ObjectKind::Array(elems) = &mut b.kind {
                if i < elems.len() && !elems[i].is_hole() && !frozen {
                    elems[i] = v;
                    return Ok(());
                }
                if i == elems.len() && !frozen && !sealed {
                    elems.push(v);
                    return Ok(());
                }
            }
        }
    }
    ops::set(o, &element_key(key)?, v, strict)
}

fn make_closure_from(fr: &Frame, template: &Rc<FuncTemplate>, captures: &[u32]) -> JsResult<Obj> {
    let mut env: Vec<VarCell> = Vec::with_capacity(captures.len());
    for &c in captures {
        let cell = if c & CAPTURE_ENV_BIT != 0 {
            fr.env.get((c & !CAPTURE_ENV_BIT) as usize).cloned()
        } else {
            fr.cells.get(c as usize).cloned()
        };
        env.push(cell.ok_or_else(|| error::type_error("internal: bad capture"))?);
    }
    let f = function::make_closure(template.clone(), Rc::from(env), None);
    if template.kind == function::FuncKind::Normal {
        let proto = Obj::ordinary();
        proto.define_hidden("constructor", Value::Object(f.clone()));
        f.define_value("prototype", Value::Object(proto), attr::WRITABLE);
    }
    Ok(f)
}

fn home_of(fr: &Frame) -> JsResult<Obj> {
    fr.home.clone().ok_or_else(|| error::syntax_error("'super' keyword unexpected here"))
}

/// Kinds for `rt_define_method`.
pub mod method_kind {
    pub const METHOD: u32 = 0;
    pub const GETTER: u32 = 1;
    pub const SETTER: u32 = 2;
    /// A plain data property (object literal `key: value`): enumerable.
    pub const FIELD: u32 = 3;
    /// Like METHOD but enumerable (object literal methods are enumerable).
    pub const LITERAL_METHOD: u32 = 4;
    pub const LITERAL_GETTER: u32 = 5;
    pub const LITERAL_SETTER: u32 = 6;
    /// A non-enumerable, non-writable data property (the `raw` strings of a tagged template).
    pub const METHOD_DATA_HIDDEN: u32 = 7;
    /// `__proto__: value` in an object literal: sets the prototype (objects and null only).
    pub const PROTO: u32 = 8;
}

fn set_home(f: &Value, home: &Obj) {
    if let Value::Object(fo) = f {
        if let ObjectKind::Function(d) = &mut fo.borrow_mut().kind {
            if let function::FunctionData::Closure(c) = &mut **d {
                c.home = Some(home.clone());
            }
        }
    }
}

fn define_method(obj: &Obj, key: PropKey, f: Value, kind: u32) -> JsResult<()> {
    use method_kind::*;
    if kind == METHOD_DATA_HIDDEN {
        obj.define_value(key, f, 0);
        return Ok(());
    }
    if kind == PROTO {
        match f {
            Value::Object(p) => {
                obj.set_proto(Some(p));
            }
            Value::Null => {
                obj.set_proto(None);
            }
            _ => {}
        }
        return Ok(());
    }
    if kind != FIELD {
        set_home(&f, obj);
        if let Value::Object(fo) = &f {
            let prefix = match kind {
                GETTER | LITERAL_GETTER => "get ",
                SETTER | LITERAL_SETTER => "set ",
                _ => "",
            };
            let name = match &key {
                PropKey::String(s) => s.clone(),
                PropKey::Symbol(s) => match s.description() {
                    Some(d) => JsString::new("[").concat(&d).concat_str("]"),
                    None => JsString::empty(),
                },
            };
            fo.define_value("name", Value::String(JsString::new(prefix).concat(&name)), attr::CONFIGURABLE);
        }
    }
    let enumerable = matches!(kind, FIELD | LITERAL_METHOD | LITERAL_GETTER | LITERAL_SETTER);
    let flags = if enumerable { attr::DEFAULT } else { attr::HIDDEN };
    match kind {
        GETTER | SETTER | LITERAL_GETTER | LITERAL_SETTER => {
            let is_get = matches!(kind, GETTER | LITERAL_GETTER);
            let (mut g, mut s) = match obj.get_own_property(&key) {
                Some(crate::object::OwnProp { slot: crate::object::PropSlot::Accessor(g, s), .. }) => (g, s),
                _ => (None, None),
            };
            let fobj = f.as_object().cloned();
            if is_get {
                g = fobj;
            } else {
                s = fobj;
            }
            obj.define_accessor(key, g, s, flags & !attr::WRITABLE);
        }
        _ => {
            if key.is_private() {
                obj.define_value(key, f, if kind == FIELD { attr::WRITABLE } else { 0 });
            } else {
                let d = PropertyDescriptor::data(f, flags);
                if !ops::define_own_property(obj, &key, &d)? {
                    return Err(error::type_error(&format!("Cannot redefine property: {}", ops::key_display(&key))));
                }
            }
        }
    }
    Ok(())
}

/// Host data of a `for…of` / `for…in` / destructuring iterator held in a register.
struct IterBox(ops::Iter);

helpers! {
    /// `dst = a <op> b` for every binary operator (`binop::*`, or an index into `ARITH_OPS`).
    fn rt_binary(op: u32, dst: *mut Value, a: *const Value, b: *const Value) {
        let r = binary(op, read_ref(a), read_ref(b));
        set(dst, r, |v| v)
    }
    /// `dst = dst + b` (or `dst = a + b`): appends in place when `dst` holds a unique string.
    fn rt_add(dst: *mut Value, a: *const Value, b: *const Value) {
        if std::ptr::eq(dst as *const Value, a) {
            if let Value::String(rhs) = read_ref(b) {
                let rhs = rhs.clone();
                // SAFETY: `dst` is a valid register (module contract); no other borrow of it is live.
                let slot = unsafe { &mut *dst };
                if let Value::String(left) = slot {
                    if let Err(e) = ops::check_concat(left, &rhs) {
                        realm::set_exception(e);
                        return STATUS_THROW;
                    }
                    if let Value::String(left) = std::mem::take(slot) {
                        *slot = Value::String(left.concat(&rhs));
                        return STATUS_OK;
                    }
                }
            }
        }
        let r = ops::add(read_ref(a), read_ref(b));
        set(dst, r, |v| v)
    }
    /// `dst = <op> a` (`unop::*`).
    fn rt_unary(op: u32, dst: *mut Value, a: *const Value) {
        let r = unary(op, read_ref(a));
        set(dst, r, |v| v)
    }
    /// Returns 1 when `a` is truthy, 0 otherwise.
    fn rt_truthy(a: *const Value) leaf {
        read_ref(a).truthy() as u32
    }
    /// `dst = src` (reference counted copy).
    fn rt_move(dst: *mut Value, src: *const Value) leaf {
        let v = read(src);
        write(dst, v);
        STATUS_OK
    }
    /// `dst = number`.
    fn rt_set_number(dst: *mut Value, n: f64) leaf {
        write(dst, Value::Number(n));
        STATUS_OK
    }
    /// `dst = undefined | null | true | false | hole` by tag (0, 1, 2 = false, 3 = true, 4 = hole).
    fn rt_set_simple(dst: *mut Value, which: u32) leaf {
        let v = match which {
            0 => Value::Undefined,
            1 => Value::Null,
            2 => Value::Bool(false),
            3 => Value::Bool(true),
            _ => Value::Hole,
        };
        write(dst, v);
        STATUS_OK
    }
    /// Throws a ReferenceError for reading `name` (a constant) before its declaration ran.
    fn rt_throw_tdz(name: *const Value) {
        let n = ops::to_rust_string(read_ref(name)).unwrap_or_default();
        realm::set_exception(error::reference_error(&format!("Cannot access '{n}' before initialization")));
        STATUS_THROW
    }
    /// Throws a TypeError for assigning to the constant `name`.
    fn rt_throw_const(name: *const Value) {
        let n = ops::to_rust_string(read_ref(name)).unwrap_or_default();
        realm::set_exception(error::type_error(&format!("Assignment to constant variable '{n}'.")));
        STATUS_THROW
    }
    /// Throws a TypeError with a constant message.
    fn rt_throw_type_error(message: *const Value) {
        let n = ops::to_rust_string(read_ref(message)).unwrap_or_default();
        realm::set_exception(error::type_error(&n));
        STATUS_THROW
    }
    /// `dst = obj.key` through the site's inline cache.
    fn rt_get_prop(dst: *mut Value, obj: *const Value, key: *const Value, ic: *const PropIc) {
        // SAFETY: `ic` points into the module's IC table (module contract).
        let ic = unsafe { &*ic };
        let o = read_ref(obj);
        if let Value::Object(ob) = o {
            if let Some(v) = ic_get(ic, ob) {
                write(dst, v);
                return STATUS_OK;
            }
            let k = const_key(key);
            let r = ops::get_obj(ob, &k, o);
            if r.is_ok() {
                ic_fill(ic, ob, &k);
            }
            return set(dst, r, |v| v);
        }
        if let Some(v) = ic_get_primitive(ic, o) {
            write(dst, v);
            return STATUS_OK;
        }
        let k = const_key(key);
        let r = ops::get(o, &k);
        if r.is_ok() {
            ic_fill_primitive(ic, o, &k);
        }
        set(dst, r, |v| v)
    }
    /// `obj.key = val` through the site's inline cache.
    fn rt_set_prop(frame: *mut Frame, obj: *const Value, key: *const Value, val: *const Value, ic: *const PropIc) {
        // SAFETY: `ic` points into the module's IC table (module contract).
        let ic = unsafe { &*ic };
        let o = read_ref(obj);
        let v = read(val);
        if let Value::Object(ob) = o {
            if ic_set(ic, ob, &v) {
                return STATUS_OK;
            }
            let k = const_key(key);
            let strict = frame_mut(frame).template.strict;
            let before = ob.borrow().shape.clone();
            let r = ops::set(o, &k, v, strict);
            if r.is_ok() {
                ic_fill_set(ic, ob, &k, &before);
            }
            return status(r);
        }
        let strict = frame_mut(frame).template.strict;
        status(ops::set(o, &const_key(key), v, strict))
    }
    /// `dst = obj.slots[slot]` for compiled code that found `obj` an unborrowed object of the shape
    /// its inline cache learned (so `slot` exists) and the copy needs counting.
    fn rt_load_slot(dst: *mut Value, obj: *const Value, slot: u32) {
        if let Value::Object(o) = read_ref(obj) {
            let v = o.borrow().slots.get(slot as usize).cloned().unwrap_or_default();
            write(dst, v);
        }
        STATUS_OK
    }
    /// `obj.slots[slot] = src`, the counted counterpart of the inline store (as `rt_load_slot`).
    /// The old value is dropped after the slot holds the new one and the borrow has ended.
    fn rt_store_slot(obj: *const Value, slot: u32, src: *const Value) {
        if let Value::Object(o) = read_ref(obj) {
            let v = read(src);
            let old = o.borrow_mut().slots.get_mut(slot as usize).map(|s| std::mem::replace(s, v));
            drop(old);
        }
        STATUS_OK
    }
    /// `dst = obj[index]` for compiled code that found `obj` an unborrowed array holding a
    /// counted value (not a hole) at `index`.
    fn rt_load_elem(dst: *mut Value, obj: *const Value, index: u32) {
        if let Value::Object(o) = read_ref(obj) {
            let v = match &o.borrow().kind {
                ObjectKind::Array(e) => e.get(index as usize).cloned().unwrap_or_default(),
                _ => Value::Undefined,
            };
            write(dst, v);
        }
        STATUS_OK
    }
    /// Defines `obj.key = val` as an own, writable, enumerable, configurable data property (an
    /// object literal's `key: val`), through the site's cache of shape transitions.
    fn rt_init_prop(obj: *const Value, key: *const Value, val: *const Value, ic: *const PropIc) {
        // SAFETY: `ic` points into the module's IC table (module contract).
        let ic = unsafe { &*ic };
        let Value::Object(ob) = read_ref(obj) else { return internal_error() };
        let v = read(val);
        if let Some(v) = ic_init(ic, ob, v) {
            let k = const_key(key);
            let before = ob.borrow().shape.clone();
            ob.define_value(k.clone(), v, attr::DEFAULT);
            ic_fill_init(ic, ob, &k, &before);
        }
        STATUS_OK
    }
    /// `dst = obj[key]`.
    fn rt_get_elem(dst: *mut Value, obj: *const Value, key: *const Value) {
        let r = get_elem(read_ref(obj), read_ref(key));
        set(dst, r, |v| v)
    }
    /// `obj[key] = val`.
    fn rt_set_elem(frame: *mut Frame, obj: *const Value, key: *const Value, val: *const Value) {
        let strict = frame_mut(frame).template.strict;
        let v = read(val);
        status(set_elem(read_ref(obj), read_ref(key), v, strict))
    }
    /// `dst = delete obj[key]`.
    fn rt_delete(frame: *mut Frame, dst: *mut Value, obj: *const Value, key: *const Value) {
        let strict = frame_mut(frame).template.strict;
        let r = (|| -> JsResult<Value> {
            let o = read_ref(obj);
            if o.is_nullish() {
                return Err(error::type_error("Cannot convert undefined or null to object"));
            }
            let Value::Object(ob) = o else { return Ok(Value::Bool(true)) };
            let k = ops::to_property_key(read_ref(key))?;
            let ok = ops::delete(ob, &k)?;
            if !ok && strict {
                return Err(error::type_error(&format!("Cannot delete property '{}'", ops::key_display(&k))));
            }
            Ok(Value::Bool(ok))
        })();
        set(dst, r, |v| v)
    }
    /// `dst = callee.call(this, ...argv[..argc])`.
    fn rt_call(dst: *mut Value, callee: *const Value, this: *const Value, argv: *const Value, argc: u32) {
        // The caller's registers are not written while the callee runs, so borrowing them is sound.
        let (f, this, args) = (read_ref(callee), read_ref(this), args_slice(argv, argc));
        match f {
            Value::Object(o) => entered(dst, function::enter(o, this, args)),
            _ => set(dst, function::call(f, this, args), |v| v),
        }
    }
    /// `dst = f(...argv[..argc])` where `f` is own cell or environment entry `var` (`CAPTURE_ENV_BIT`
    /// marks the environment), read in place.
    fn rt_call_var(frame: *mut Frame, dst: *mut Value, var: u32, this: *const Value, argv: *const Value, argc: u32) {
        let fr = frame_mut(frame);
        let i = (var & !CAPTURE_ENV_BIT) as usize;
        let cell = if var & CAPTURE_ENV_BIT != 0 { fr.env.get(i) } else { fr.cells.get(i) };
        let Some(cell) = cell else { return internal_error() };
        let (this, args) = (read_ref(this), args_slice(argv, argc));
        // Taken out of the variable before the call runs (and may assign it).
        let f = match &*cell.borrow() {
            Value::Object(o) => o.clone(),
            other => {
                let v = other.clone();
                return set(dst, function::call(&v, this, args), |v| v);
            }
        };
        entered(dst, function::enter(&f, this, args))
    }
    /// `dst = new callee(...argv[..argc])`.
    fn rt_new(dst: *mut Value, callee: *const Value, argv: *const Value, argc: u32) {
        let f = read(callee);
        let r = match &f {
            Value::Object(o) if o.is_constructor() => function::construct(o, args_slice(argv, argc), o),
            _ => Err(error::type_error(&format!("{} is not a constructor", ops::describe(&f)))),
        };
        set(dst, r, |v| v)
    }
    /// `dst = callee.call(this, ...array)` (calls with spread arguments).
    fn rt_call_array(dst: *mut Value, callee: *const Value, this: *const Value, array: *const Value) {
        let f = read(callee);
        let t = read(this);
        let args = read_ref(array).as_object().and_then(|o| o.array_elements()).unwrap_or_default();
        let args: Vec<Value> = args.into_iter().map(Value::unhole).collect();
        let r = function::call(&f, &t, &args);
        set(dst, r, |v| v)
    }
    /// `dst = new callee(...array)`.
    fn rt_new_array_args(dst: *mut Value, callee: *const Value, array: *const Value) {
        let f = read(callee);
        let args = read_ref(array).as_object().and_then(|o| o.array_elements()).unwrap_or_default();
        let args: Vec<Value> = args.into_iter().map(Value::unhole).collect();
        let r = match &f {
            Value::Object(o) if o.is_constructor() => function::construct(o, &args, o),
            _ => Err(error::type_error(&format!("{} is not a constructor", ops::describe(&f)))),
        };
        set(dst, r, |v| v)
    }
    /// `dst = globalThis[name]`; a missing name is a ReferenceError unless `typeof_mode` is 1.
    fn rt_get_global(dst: *mut Value, name: *const Value, ic: *const PropIc, typeof_mode: u32) {
        // SAFETY: `ic` points into the module's IC table (module contract).
        let ic = unsafe { &*ic };
        let g = realm::intrinsics().global.clone();
        if let Some(v) = ic_get(ic, &g) {
            write(dst, v);
            return STATUS_OK;
        }
        let k = const_key(name);
        match ops::find_property(&g, &k) {
            Some(_) => {
                let r = ops::get_obj(&g, &k, &Value::Object(g.clone()));
                if r.is_ok() {
                    ic_fill(ic, &g, &k);
                }
                set(dst, r, |v| v)
            }
            None if typeof_mode == 1 => {
                write(dst, Value::Undefined);
                STATUS_OK
            }
            None => {
                realm::set_exception(error::reference_error(&format!("{} is not defined", ops::key_display(&k))));
                STATUS_THROW
            }
        }
    }
    /// `dst = ` context variable `binding` of the running pipeline.
    fn rt_get_context(dst: *mut Value, binding: u32, typeof_mode: u32) {
        set(dst, crate::context::load(binding, typeof_mode == 1), |v| v)
    }
    /// Context variable `binding` of the running pipeline `= val`.
    fn rt_set_context(binding: u32, val: *const Value) {
        status(crate::context::store(binding, read(val)))
    }
    /// `globalThis[name] = val` (assignment to an undeclared name).
    fn rt_set_global(frame: *mut Frame, name: *const Value, val: *const Value) {
        let g = realm::intrinsics().global.clone();
        let k = const_key(name);
        let strict = frame_mut(frame).template.strict;
        if strict && !ops::has_property(&g, &k) {
            realm::set_exception(error::reference_error(&format!("{} is not defined", ops::key_display(&k))));
            return STATUS_THROW;
        }
        status(ops::set(&Value::Object(g), &k, read(val), strict))
    }
    /// Declares global `name` for a script's top-level `var` (`has` = 0: undefined unless it exists)
    /// or function (`has` = 1: the value in `val`).
    fn rt_declare_global(name: *const Value, val: *const Value, has: u32) {
        let g = realm::intrinsics().global.clone();
        let k = const_key(name);
        if has == 1 {
            let v = read(val);
            let flags = match g.get_own_property(&k) {
                Some(p) if p.flags & attr::CONFIGURABLE == 0 => p.flags,
                _ => attr::WRITABLE | attr::ENUMERABLE,
            };
            g.define_value(k, v, flags);
        } else if !g.has_own_property(&k) {
            g.define_value(k, Value::Undefined, attr::WRITABLE | attr::ENUMERABLE);
        }
        STATUS_OK
    }
    /// `dst = the exports object of module `spec`` (a constant), loading it on first use.
    fn rt_import(frame: *mut Frame, dst: *mut Value, spec: *const Value) {
        let fr = frame_mut(frame);
        let referrer = fr.template.source.name.clone();
        let s = ops::to_rust_string(read_ref(spec)).unwrap_or_default();
        let r = realm::load_module(&s, &referrer)
            .unwrap_or_else(|| Err(error::type_error(&format!("cannot import '{s}': no module loader"))));
        set(dst, r, |v| v)
    }
    /// `dst = constant` (a string or other heap constant from the module's pool).
    fn rt_load_const(dst: *mut Value, c: *const Value) leaf {
        write(dst, read(c));
        STATUS_OK
    }
    /// `dst = value of own cell i`. With `check` = 1, a hole throws ReferenceError naming `name`.
    fn rt_load_cell(frame: *mut Frame, dst: *mut Value, i: u32, check: u32, name: *const Value) {
        let fr = frame_mut(frame);
        let v = match fr.cells.get(i as usize) {
            Some(c) => c.borrow().clone(),
            None => return internal_error(),
        };
        if check == 1 && v.is_hole() {
            return rt_throw_tdz(name);
        }
        write(dst, v);
        STATUS_OK
    }
    /// `own cell i = src`.
    fn rt_store_cell(frame: *mut Frame, i: u32, src: *const Value) {
        let fr = frame_mut(frame);
        let v = read(src);
        match fr.cells.get(i as usize) {
            Some(c) => {
                *c.borrow_mut() = v;
                STATUS_OK
            }
            None => internal_error(),
        }
    }
    /// `dst = value of captured cell i`. With `check` = 1, a hole throws ReferenceError.
    fn rt_load_env(frame: *mut Frame, dst: *mut Value, i: u32, check: u32, name: *const Value) {
        let fr = frame_mut(frame);
        let v = match fr.env.get(i as usize) {
            Some(c) => c.borrow().clone(),
            None => return internal_error(),
        };
        if check == 1 && v.is_hole() {
            return rt_throw_tdz(name);
        }
        write(dst, v);
        STATUS_OK
    }
    /// `captured cell i = src`.
    fn rt_store_env(frame: *mut Frame, i: u32, src: *const Value) {
        let fr = frame_mut(frame);
        let v = read(src);
        match fr.env.get(i as usize) {
            Some(c) => {
                *c.borrow_mut() = v;
                STATUS_OK
            }
            None => internal_error(),
        }
    }
    /// Gives own cell i a fresh cell: a hole (`copy` = 0) or a copy of the current value (`copy` = 1,
    /// for per-iteration `let` bindings).
    fn rt_fresh_cell(frame: *mut Frame, i: u32, copy: u32) {
        let fr = frame_mut(frame);
        let Some(old) = fr.cells.get(i as usize) else { return internal_error() };
        let v = if copy == 1 { old.borrow().clone() } else { Value::Hole };
        fr.cells[i as usize] = function::new_cell(v);
        STATUS_OK
    }
    /// `dst = closure of template` capturing the listed cells (`CAPTURE_ENV_BIT` marks env entries).
    fn rt_closure(frame: *mut Frame, dst: *mut Value, template: *const FuncTemplate, captures: *const u32, ncaptures: u32) {
        let fr = frame_mut(frame);
        // SAFETY: `template` and `captures` live in the module's keep-alive tables (module contract);
        // `Rc::increment_strong_count` + `from_raw` clones the module's own `Rc` to this template.
        let template = unsafe {
            Rc::increment_strong_count(template);
            Rc::from_raw(template)
        };
        let caps: &[u32] = if ncaptures == 0 {
            &[]
        } else {
            // SAFETY: `captures` points at `ncaptures` u32s in the module's keep-alive tables.
            unsafe { std::slice::from_raw_parts(captures, ncaptures as usize) }
        };
        let r = make_closure_from(fr, &template, caps);
        set(dst, r, Value::Object)
    }
    /// `dst = this` (a derived constructor's `this` before `super()` is a ReferenceError).
    fn rt_load_this(frame: *mut Frame, dst: *mut Value) {
        let fr = frame_mut(frame);
        if fr.this.is_hole() {
            realm::set_exception(error::reference_error("Must call super constructor in derived class before accessing 'this' or returning from derived constructor"));
            return STATUS_THROW;
        }
        write(dst, fr.this.clone());
        STATUS_OK
    }
    /// `dst = the function's special value`: 0 = arguments object, 1 = new.target, 2 = the callee,
    /// 3 = rest array from argument `start`, 4 = the global object.
    fn rt_load_special(frame: *mut Frame, dst: *mut Value, which: u32, start: u32) {
        let fr = frame_mut(frame);
        let v = match which {
            0 => {
                let a = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Arguments(frame_args(fr).to_vec()));
                a.define_hidden("length", Value::from(fr.argc));
                if fr.template.strict {
                    // Strict functions' `arguments.callee` is an accessor that throws.
                    let thrower = function::native("", 0, |_, _| Err(error::type_error("'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them")));
                    a.define_accessor("callee", Some(thrower.clone()), Some(thrower), 0);
                } else {
                    a.define_hidden("callee", fr.callee.clone().map(Value::Object).unwrap_or_default());
                }
                let values = realm::registered("Array.prototype.values").unwrap_or_default();
                a.define_hidden(PropKey::Symbol(realm::intrinsics().sym_iterator.clone()), values);
                Value::Object(a)
            }
            1 => fr.new_target.clone(),
            2 => fr.callee.clone().map(Value::Object).unwrap_or_default(),
            4 => Value::Object(realm::intrinsics().global.clone()),
            _ => {
                let rest: Vec<Value> = frame_args(fr).iter().skip(start as usize).cloned().collect();
                Value::Object(Obj::array(rest))
            }
        };
        write(dst, v);
        STATUS_OK
    }
    /// `dst = argument i` (undefined when absent): parameters beyond the register-copied ones.
    fn rt_load_arg(frame: *mut Frame, dst: *mut Value, i: u32) {
        let fr = frame_mut(frame);
        let v = frame_args(fr).get(i as usize).cloned().unwrap_or_default();
        write(dst, v);
        STATUS_OK
    }
    /// Sets the function's return value.
    fn rt_set_result(frame: *mut Frame, src: *const Value) leaf {
        frame_mut(frame).result = read(src);
        STATUS_OK
    }
    /// A derived constructor's return: `this` unless an object was returned.
    fn rt_ctor_result(frame: *mut Frame) {
        let fr = frame_mut(frame);
        if fr.template.kind == function::FuncKind::DerivedConstructor && !fr.result.is_object() {
            if !fr.result.is_undefined() {
                realm::set_exception(error::type_error("Derived constructors may only return object or undefined"));
                return STATUS_THROW;
            }
            if fr.this.is_hole() {
                realm::set_exception(error::reference_error("Must call super constructor in derived class before accessing 'this' or returning from derived constructor"));
                return STATUS_THROW;
            }
            fr.result = fr.this.clone();
        }
        STATUS_OK
    }
    /// Throws `v`.
    fn rt_throw(v: *const Value) {
        realm::set_exception(read(v));
        STATUS_THROW
    }
    /// `dst = the pending exception` (entering a catch block).
    fn rt_catch(dst: *mut Value) leaf {
        write(dst, realm::take_exception());
        STATUS_OK
    }
    /// `dst = {}`.
    fn rt_new_object(dst: *mut Value) {
        write(dst, Value::Object(Obj::ordinary()));
        STATUS_OK
    }
    /// `dst = [argv[..argc]]` (holes stay holes).
    fn rt_new_array(dst: *mut Value, argv: *const Value, argc: u32) {
        let v = args_slice(argv, argc).to_vec();
        write(dst, Value::Object(Obj::array(v)));
        STATUS_OK
    }
    /// Appends `v` to the array in `arr`.
    fn rt_array_push(arr: *const Value, v: *const Value) {
        if let Value::Object(o) = read_ref(arr) {
            if let ObjectKind::Array(e) = &mut o.borrow_mut().kind {
                e.push(read(v));
            }
        }
        STATUS_OK
    }
    /// Appends every value of the iterable `src` to the array in `arr`.
    fn rt_array_spread(arr: *const Value, src: *const Value) {
        let r = (|| -> JsResult<()> {
            let items = ops::iterate_to_vec(read_ref(src))?;
            if let Value::Object(o) = read_ref(arr) {
                if let ObjectKind::Array(e) = &mut o.borrow_mut().kind {
                    e.extend(items);
                }
            }
            Ok(())
        })();
        status(r)
    }
    /// Defines `obj[key] = f` as a method, accessor or field (`method_kind::*`). `key` is a
    /// register holding a property key (string or symbol).
    fn rt_define_method(obj: *const Value, key: *const Value, f: *const Value, kind: u32) {
        let r = (|| -> JsResult<()> {
            let Value::Object(o) = read_ref(obj) else { return Ok(()) };
            let k = ops::to_property_key(read_ref(key))?;
            define_method(o, k, read(f), kind)
        })();
        status(r)
    }
    /// Copies own enumerable properties of `src` into `obj` (`{...src}`).
    fn rt_object_spread(obj: *const Value, src: *const Value) {
        let r = (|| -> JsResult<()> {
            let Value::Object(o) = read_ref(obj) else { return Ok(()) };
            copy_data_properties(o, read_ref(src), &[])
        })();
        status(r)
    }
    /// `dst = {...src}` without the keys listed in the array `excluded` (object rest patterns).
    fn rt_object_rest(dst: *mut Value, src: *const Value, excluded: *const Value) {
        let r = (|| -> JsResult<Value> {
            let ex: Vec<PropKey> = match read_ref(excluded) {
                Value::Object(a) => a.array_elements().unwrap_or_default().iter().map(ops::to_property_key).collect::<JsResult<_>>()?,
                _ => Vec::new(),
            };
            let o = Obj::ordinary();
            copy_data_properties(&o, read_ref(src), &ex)?;
            Ok(Value::Object(o))
        })();
        set(dst, r, |v| v)
    }
    /// Throws a TypeError when `v` is undefined or null (destructuring targets).
    fn rt_require_object(v: *const Value) {
        if read_ref(v).is_nullish() {
            realm::set_exception(error::type_error("Cannot destructure 'undefined' or 'null'"));
            return STATUS_THROW;
        }
        STATUS_OK
    }
    /// `dst = iterator over src` (`kind` 0: `for…of` and destructuring; 1: `for…in` keys).
    fn rt_get_iterator(dst: *mut Value, src: *const Value, kind: u32) {
        let r = (|| -> JsResult<Value> {
            let it = if kind == 1 {
                let v = read_ref(src);
                let keys = ops::for_in_keys(v)?;
                let object = if v.is_nullish() { None } else { Some(ops::to_object(v)?) };
                ops::Iter::Keys { object, keys, index: 0 }
            } else {
                ops::get_iterator(read_ref(src))?
            };
            Ok(Value::Object(Obj::new(None, ObjectKind::Host(Box::new(IterBox(it))))))
        })();
        set(dst, r, |v| v)
    }
    /// `dst = next value of iter`: returns 0 with a value, 2 when done, 1 on an exception.
    fn rt_iter_next(dst: *mut Value, iter: *const Value) {
        let Value::Object(o) = read_ref(iter) else { return STATUS_DONE };
        // Take the iterator out while stepping: the step may run script code that re-enters.
        let taken = o.with_host(|b: &mut IterBox| std::mem::replace(&mut b.0, ops::Iter::Protocol { iterator: Value::Undefined, next: Value::Undefined, done: true }));
        let Some(mut it) = taken else { return STATUS_DONE };
        let r = it.step();
        o.with_host(|b: &mut IterBox| b.0 = it);
        match r {
            Ok(Some(v)) => {
                write(dst, v);
                STATUS_OK
            }
            Ok(None) => STATUS_DONE,
            Err(e) => {
                realm::set_exception(e);
                STATUS_THROW
            }
        }
    }
    /// Closes an iterator left early (`break`, `return`, destructuring that stops short). With
    /// `keep` = 1 an exception already pending wins over one the closing throws.
    fn rt_iter_close(iter: *const Value, keep: u32) {
        let Value::Object(o) = read_ref(iter) else { return STATUS_OK };
        let pending = if keep == 1 { realm::realm().pending.borrow_mut().take() } else { None };
        let taken = o.with_host(|b: &mut IterBox| std::mem::replace(&mut b.0, ops::Iter::Protocol { iterator: Value::Undefined, next: Value::Undefined, done: true }));
        let r = match taken {
            Some(mut it) => it.close(),
            None => Ok(()),
        };
        if let Some(p) = pending {
            realm::set_exception(p);
            return STATUS_OK;
        }
        status(r)
    }
    /// Sets up a class: `ctor` is the constructor closure, `parent` the `extends` value (a hole
    /// when there is none); writes the prototype object to `proto_dst`.
    fn rt_make_class(ctor: *const Value, parent: *const Value, proto_dst: *mut Value) {
        let r = (|| -> JsResult<Value> {
            let Value::Object(c) = read_ref(ctor) else { return Err(error::type_error("internal: class constructor")) };
            let i = realm::intrinsics();
            let (proto_parent, ctor_parent) = match read_ref(parent) {
                Value::Hole => (Some(i.object_prototype.clone()), i.function_prototype.clone()),
                Value::Null => (None, i.function_prototype.clone()),
                Value::Object(p) if p.is_constructor() => {
                    let pp = ops::get(&Value::Object(p.clone()), &PropKey::str("prototype"))?;
                    let pp = match pp {
                        Value::Object(o) => Some(o),
                        Value::Null => None,
                        _ => return Err(error::type_error("Class extends value does not have valid prototype property")),
                    };
                    (pp, p.clone())
                }
                other => return Err(error::type_error(&format!("Class extends value {} is not a constructor or null", ops::describe(other)))),
            };
            let proto = Obj::new(proto_parent, ObjectKind::Ordinary);
            proto.define_hidden("constructor", Value::Object(c.clone()));
            c.set_proto(Some(ctor_parent));
            c.define_value("prototype", Value::Object(proto.clone()), 0);
            set_home(&Value::Object(c.clone()), &proto);
            Ok(Value::Object(proto))
        })();
        set(proto_dst, r, |v| v)
    }
    /// Attaches the instance-field initialiser `init` to the class constructor `ctor`.
    fn rt_set_fields(ctor: *const Value, init: *const Value) {
        if let (Value::Object(c), Value::Object(f)) = (read_ref(ctor), read_ref(init)) {
            if let ObjectKind::Function(d) = &mut c.borrow_mut().kind {
                if let function::FunctionData::Closure(cl) = &mut **d {
                    cl.fields = Some(f.clone());
                }
            }
        }
        STATUS_OK
    }
    /// Sets the home object of method `f` to `home` (static methods, field initialisers).
    fn rt_set_home(f: *const Value, home: *const Value) {
        if let Value::Object(h) = read_ref(home) {
            set_home(read_ref(f), h);
        }
        STATUS_OK
    }
    /// `dst = super(...array)` in a derived constructor: constructs with the parent and new.target,
    /// binds `this`, and runs field initialisers.
    fn rt_super_call(frame: *mut Frame, dst: *mut Value, array: *const Value) {
        let fr = frame_mut(frame);
        let r = (|| -> JsResult<Value> {
            let callee = fr.callee.clone().ok_or_else(|| error::syntax_error("'super' keyword unexpected here"))?;
            let parent = callee.proto().filter(|p| p.is_constructor()).ok_or_else(|| error::type_error("Super constructor is not a constructor"))?;
            let args = read_ref(array).as_object().and_then(|o| o.array_elements()).unwrap_or_default();
            let args: Vec<Value> = args.into_iter().map(Value::unhole).collect();
            let nt = match &fr.new_target {
                Value::Object(o) => o.clone(),
                _ => return Err(error::syntax_error("'super' keyword unexpected here")),
            };
            let this = function::construct(&parent, &args, &nt)?;
            if !fr.this.is_hole() {
                return Err(error::reference_error("Super constructor may only be called once"));
            }
            fr.this = this.clone();
            let fields = match &callee.borrow().kind {
                ObjectKind::Function(d) => match &**d {
                    function::FunctionData::Closure(c) => c.fields.clone(),
                    _ => None,
                },
                _ => None,
            };
            if let Some(init) = fields {
                function::call_obj(&init, &this, &[])?;
            }
            Ok(this)
        })();
        set(dst, r, |v| v)
    }
    /// `dst = super[key]` (key is a register) with `this` as receiver.
    fn rt_super_get(frame: *mut Frame, dst: *mut Value, key: *const Value) {
        let fr = frame_mut(frame);
        let r = (|| -> JsResult<Value> {
            let home = home_of(fr)?;
            let k = ops::to_property_key(read_ref(key))?;
            match home.proto() {
                Some(p) => ops::get_obj(&p, &k, &fr.this),
                None => Ok(Value::Undefined),
            }
        })();
        set(dst, r, |v| v)
    }
    /// `super[key] = val`.
    fn rt_super_set(frame: *mut Frame, key: *const Value, val: *const Value) {
        let fr = frame_mut(frame);
        let r = (|| -> JsResult<()> {
            let home = home_of(fr)?;
            let k = ops::to_property_key(read_ref(key))?;
            if let Some(p) = home.proto() {
                ops::set_obj(&p, &k, read(val), &fr.this)?;
            }
            Ok(())
        })();
        status(r)
    }
    /// `dst = super[key]` for an arrow function: `home` and `this` come from its enclosing method.
    fn rt_super_get_in(dst: *mut Value, key: *const Value, home: *const Value, this: *const Value) {
        let r = (|| -> JsResult<Value> {
            let Value::Object(h) = read_ref(home) else {
                return Err(error::syntax_error("'super' keyword unexpected here"));
            };
            let k = ops::to_property_key(read_ref(key))?;
            match h.proto() {
                Some(p) => ops::get_obj(&p, &k, read_ref(this)),
                None => Ok(Value::Undefined),
            }
        })();
        set(dst, r, |v| v)
    }
    /// `super[key] = src` for an arrow function.
    fn rt_super_set_in(key: *const Value, src: *const Value, home: *const Value, this: *const Value) {
        let r = (|| -> JsResult<()> {
            let Value::Object(h) = read_ref(home) else {
                return Err(error::syntax_error("'super' keyword unexpected here"));
            };
            let k = ops::to_property_key(read_ref(key))?;
            if let Some(p) = h.proto() {
                ops::set_obj(&p, &k, read(src), read_ref(this))?;
            }
            Ok(())
        })();
        status(r)
    }
    /// `dst = the home object` of the running method (used to capture it for arrows).
    fn rt_load_home(frame: *mut Frame, dst: *mut Value) {
        let fr = frame_mut(frame);
        write(dst, fr.home.clone().map(Value::Object).unwrap_or_default());
        STATUS_OK
    }
    /// `dst = a new private name` described by the constant `desc` (`#x`).
    fn rt_private_name(dst: *mut Value, desc: *const Value) {
        let d = ops::to_string(read_ref(desc)).unwrap_or_else(|_| JsString::empty());
        write(dst, Value::Symbol(Symbol::new_private(d)));
        STATUS_OK
    }
    /// Defines private field `key` on `obj` (throws if it is already there).
    fn rt_define_private(obj: *const Value, key: *const Value, val: *const Value) {
        let r = (|| -> JsResult<()> {
            let Value::Object(o) = read_ref(obj) else { return Err(error::type_error("not an object")) };
            let k = ops::to_property_key(read_ref(key))?;
            if o.has_own_property(&k) {
                return Err(error::type_error("Cannot initialize private field twice on the same object"));
            }
            o.define_value(k, read(val), attr::WRITABLE);
            Ok(())
        })();
        status(r)
    }
    /// `dst = the RegExp for a literal` (pattern and flags constants).
    fn rt_regexp(dst: *mut Value, pattern: *const Value, flags: *const Value) {
        let r = (|| -> JsResult<Value> {
            let ctor = realm::registered("RegExp").ok_or_else(|| error::syntax_error("RegExp is not available"))?;
            let Value::Object(c) = &ctor else { return Err(error::type_error("RegExp is not a constructor")) };
            function::construct(c, &[read(pattern), read(flags)], c)
        })();
        set(dst, r, |v| v)
    }
    /// `dst = the value cached at site`: returns 0 on a hit, 2 when the site is still empty.
    fn rt_load_site(dst: *mut Value, site: *const SiteCache) {
        // SAFETY: `site` points into the module's site table (module contract).
        let site = unsafe { &*site };
        let cached = site.value.borrow().clone();
        match cached {
            Some(v) => {
                write(dst, v);
                STATUS_OK
            }
            None => STATUS_DONE,
        }
    }
    /// Caches `src` at `site` and freezes it (template strings objects are frozen).
    fn rt_store_site(site: *const SiteCache, src: *const Value) {
        // SAFETY: `site` points into the module's site table (module contract).
        let site = unsafe { &*site };
        let v = read(src);
        if let Value::Object(o) = &v {
            freeze_array(o);
            if let Ok(Value::Object(raw)) = ops::get(&v, &PropKey::str("raw")) {
                freeze_array(&raw);
            }
        }
        *site.value.borrow_mut() = Some(v);
        STATUS_OK
    }
}

fn freeze_array(o: &Obj) {
    let mut b = o.borrow_mut();
    b.extensible = false;
    b.elements_frozen = true;
}

/// CopyDataProperties: own enumerable keys of `src` (strings and symbols) onto `target`.
pub fn copy_data_properties(target: &Obj, src: &Value, excluded: &[PropKey]) -> JsResult<()> {
    let s = match src {
        Value::Undefined | Value::Null => return Ok(()),
        Value::Object(o) => o.clone(),
        other => ops::to_object(other)?,
    };
    for k in s.own_keys() {
        if excluded.contains(&k) {
            continue;
        }
        if let Some(p) = s.get_own_property(&k) {
            if p.flags & attr::ENUMERABLE != 0 {
                let v = ops::get_obj(&s, &k, &Value::Object(s.clone()))?;
                target.define_value(k, v, attr::DEFAULT);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn arithmetic_operator_codes_index_arith_ops() {
        let codes = [
            (binop::SUB, BinOp::Sub),
            (binop::MUL, BinOp::Mul),
            (binop::DIV, BinOp::Div),
            (binop::REM, BinOp::Rem),
            (binop::EXP, BinOp::Exp),
            (binop::SHL, BinOp::Shl),
            (binop::SHR, BinOp::Shr),
            (binop::USHR, BinOp::UShr),
            (binop::BIT_AND, BinOp::BitAnd),
            (binop::BIT_OR, BinOp::BitOr),
            (binop::BIT_XOR, BinOp::BitXor),
        ];
        for (code, op) in codes {
            assert_eq!(ARITH_OPS[code as usize], op);
        }
    }

    use super::*;

    #[test]
    fn value_layout_matches_the_abi() {
        assert_eq!(std::mem::size_of::<Value>(), VALUE_SIZE as usize);
        let v = Value::Number(1.5);
        // SAFETY: reading the raw bytes of a live `Value` of known size.
        let bytes: [u8; 16] = unsafe { std::mem::transmute_copy(&v) };
        assert_eq!(bytes[0], crate::value::tag::NUMBER);
        let payload = f64::from_le_bytes(bytes[8..16].try_into().unwrap());
        assert_eq!(payload, 1.5);
        let t = Value::Bool(true);
        // SAFETY: as above.
        let bytes: [u8; 16] = unsafe { std::mem::transmute_copy(&t) };
        assert_eq!(bytes[0], crate::value::tag::BOOL);
        assert_eq!(bytes[8], 1);
    }

    #[test]
    fn frame_offsets_match_the_abi() {
        assert_eq!(std::mem::offset_of!(Frame, regs) as i32, FRAME_REGS);
        assert_eq!(std::mem::offset_of!(Frame, pos) as i32, FRAME_POS);
    }

    #[test]
    fn helper_table_names_are_unique_and_match() {
        let mut seen = std::collections::HashSet::new();
        for h in Helper::ALL {
            let d = h.decl();
            assert!(seen.insert(d.name), "duplicate helper {}", d.name);
            assert_eq!(format!("{h:?}"), d.name);
            assert!(!d.addr.is_null());
        }
    }
}
