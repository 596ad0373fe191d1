//! The interactive PipyJS shell and the engine facade (`engine`) that ties the compiler and the
//! standard library together for the binary.
//!
//! Architecture invariant: nothing here opens a socket.

pub mod check;
pub mod complete;
pub mod engine;
pub mod shell;
