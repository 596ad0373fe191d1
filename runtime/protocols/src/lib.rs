//! Wire protocols, sans-IO: each module turns bytes into frames or heads and back, and knows
//! nothing of sockets, Tokio or JavaScript values. The engine's filters glue them to pipeline
//! events; the fuzz targets drive them directly.
//!
//! Architecture invariant: this crate depends on no I/O crate and not on the value core; a
//! parser never panics on input and bounds what it buffers.

#![forbid(unsafe_code)]

pub mod http1;
