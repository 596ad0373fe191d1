//! The runtime of Pipy in Rust: the reference-counted value model, the call protocol, the value
//! ABI that JIT-compiled code calls (`abi`), and the per-thread realm.
//!
//! Architecture invariant: this crate knows nothing of SWC or Cranelift. Compiled code reaches it
//! only through the helpers declared in `abi`, and it runs compiled code only through
//! `function::CodeFn` pointers handed to it in `FuncTemplate`s.

pub mod abi;
pub mod calls;
pub mod error;
pub mod filters;
pub mod function;
pub mod http;
pub mod ic;
pub mod log;
pub mod net;
pub mod number;
pub mod objcell;
pub mod object;
pub mod ops;
pub mod pipeline;
pub mod realm;
pub mod shape;
pub mod string;
pub mod tls;
pub mod value;

pub use error::{ErrorKind, JsResult};
pub use object::{Obj, ObjectKind};
pub use shape::{PropKey, attr};
pub use string::JsString;
pub use value::Value;
