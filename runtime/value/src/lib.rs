//! The JavaScript value core of Pipy in Rust: the reference-counted value model (values, strings,
//! shapes, objects), the call protocol, the per-thread realm, and the value ABI that JIT-compiled
//! code calls (`abi`).
//!
//! Architecture invariant: this crate depends on no I/O crate (no Tokio, no sockets, no TLS) and
//! knows nothing of SWC or Cranelift. Compiled code reaches it
//! only through the helpers declared in `abi`, and it runs compiled code only through
//! `function::CodeFn` pointers handed to it in `FuncTemplate`s.

// `unsafe` is denied everywhere but the three modules at the JIT/ABI boundary, where every block
// says why it is sound: `abi` (raw pointers compiled code passes), `calls` (the register windows
// compiled code works in), `objcell` (the object cell compiled code reads).
#![deny(unsafe_code)]

#[allow(unsafe_code)]
pub mod abi;
pub mod callable;
#[allow(unsafe_code)]
pub mod calls;
pub mod context;
pub mod cycles;
pub mod error;
pub mod function;
pub mod ic;
pub mod int;
pub mod number;
#[allow(unsafe_code)]
pub mod objcell;
pub mod object;
pub mod ops;
pub mod realm;
pub mod shape;
pub mod string;
pub mod suspects;
pub mod symbol;
pub mod value;

pub use error::{ErrorKind, JsResult};
pub use object::{Obj, ObjectKind};
pub use shape::{PropKey, attr};
pub use string::JsString;
pub use value::Value;
