//! Wire protocols, sans-IO: each module turns bytes into frames or heads and back, and knows
//! nothing of sockets, Tokio or JavaScript values. The engine's filters glue them to pipeline
//! events; the fuzz targets drive them directly.
//!
//! - [`http1`]: HTTP/1.x requests and responses.
//! - [`socks`]: SOCKS 4, 4a and 5 requests and replies.
//! - [`proxy_protocol`]: HAProxy's PROXY protocol headers, versions 1 and 2.
//! - [`resp`]: RESP, the Redis serialization protocol (version 2).
//! - [`dubbo`]: Dubbo frame headers.
//! - [`thrift`]: Thrift messages (binary and compact protocols, bare or framed): headers, where a
//!   message ends, payload structs decoded and encoded.
//! - [`tls_hello`]: the TLS ClientHello's server names (SNI) and protocols (ALPN).
//! - [`multipart`]: splitting `multipart/*` bodies into parts.
//! - [`websocket`]: WebSocket frame headers, masking and frames.
//! - [`mqtt`]: MQTT 3.1.1 and 5.0 packets.
//! - [`bgp`]: BGP-4 messages (OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH).
//! - [`fastcgi`]: FastCGI records, request/end bodies and name-value pairs.
//! - [`netlink`]: Netlink message headers (`nlmsghdr`) and splitting a stream into messages.
//!
//! Architecture invariant: this crate depends on no I/O crate and not on the value core; a
//! parser never panics on input and bounds what it buffers.

#![forbid(unsafe_code)]

pub mod bgp;
pub mod dubbo;
pub mod fastcgi;
pub mod http1;
pub mod mqtt;
pub mod multipart;
pub mod netlink;
pub mod proxy_protocol;
pub mod resp;
pub mod rng;
pub mod socks;
pub mod thrift;
pub mod tls_hello;
pub mod websocket;

/// Appends `v` as a LEB128 varint (7 bits a byte, low first: MQTT lengths, Thrift compact).
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let c = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(c);
            return;
        }
        out.push(c | 0x80);
    }
}
