//! HTTP/1.x codec, sans-IO: plain Rust that the pipeline filters (`decodeHTTPRequest`,
//! `encodeHTTPResponse`, `demuxHTTP`, `muxHTTP`, …) wrap. No JS values, no sockets, no Tokio.
//!
//! - [`head`]: request/response heads, headers, tunnel kinds, the per-request facts
//!   ([`RequestInfo`]) that tie a response to its request.
//! - [`decoder`]: [`RequestDecoder`] / [`ResponseDecoder`] turn byte chunks into [`Event`]s.
//! - [`encoder`]: [`RequestEncoder`] / [`ResponseEncoder`] turn heads and bodies into bytes,
//!   byte-exact to Pipy 1.5.x.
//! - [`error`]: decode errors and the status each is answered with; [`status`]: reason phrases
//!   and the `StreamEnd` error → status mapping.

pub mod decoder;
pub mod encoder;
pub mod error;
mod framing;
pub mod head;
pub mod status;

#[cfg(test)]
mod tests_decode;
#[cfg(test)]
mod tests_encode;

pub use decoder::{BodyKind, Event, Limits, MessageInfo, RequestDecoder, ResponseDecoder, Tail};
pub use encoder::{EncodeOutcome, RequestEncoder, ResponseEncoder};
pub use error::{DecodeError, DecodeErrorKind};
pub use head::{Header, RequestHead, RequestInfo, ResponseHead, TunnelKind};
