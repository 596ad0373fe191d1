//! The PipyJS compiler: SWC front end (`parse`), scope resolution (`resolve`), lowering to a
//! register IR (`ir`, `lower`), and Cranelift code generation (`codegen`).
//!
//! Architecture invariant: SWC types never leave `parse`; Cranelift types never leave `codegen`;
//! this crate knows nothing of Tokio, sockets or the standard library's globals.

pub mod ast;
pub mod diagnostics;
pub mod parse;
