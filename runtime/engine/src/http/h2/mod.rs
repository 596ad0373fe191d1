//! HTTP/2 on the pipeline: the `h2` crate's state machine (framing, HPACK, flow control,
//! SETTINGS, PING, RST_STREAM, GOAWAY) run over the filter's bytes (`io`), with no task of its
//! own, and heads converted to and from what scripts see (`heads`). `server` is the side
//! `demuxHTTP`/`serveHTTP` use.

pub mod client;
pub mod heads;
pub mod io;
pub mod send;
pub mod server;
pub mod upgrade;

/// The client connection preface: an HTTP/2 connection with prior knowledge starts with it.
pub const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
