//! The pipeline engine: events and the `Data` rope (`pipeline`), layouts and pipeline
//! instances, every filter (`filters`, one registry), the HTTP heads scripts see (`http`), TLS
//! material (`tls`), logging (`log`), and the Tokio network runtime of a worker (`net`).
//!
//! Architecture invariant: the engine knows nothing of SWC or Cranelift; it runs script
//! functions only through `pipy_value::function::call`. Wire protocols are parsed by
//! `pipy_protocols`; a filter only glues a parser to events. Nothing here is `Send`: each worker
//! thread builds its own layouts from its own copy of the script.

#![forbid(unsafe_code)]

pub mod filters;
pub mod http;
pub mod log;
pub mod memory;
pub mod net;
pub mod pipeline;
pub mod pool;
pub mod tls;
