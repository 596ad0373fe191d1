//! The interactive PipyJS shell: a rustyline loop that evaluates each line in an event loop
//! (`shell`), dot-commands to load scripts, list pipelines and send a request through one, and
//! tab completion (`complete`). Loading and running go through `pipy_program`, as `pipy run` does.
//!
//! Architecture invariant: nothing here opens a socket.

#![forbid(unsafe_code)]

pub mod complete;
pub mod shell;
