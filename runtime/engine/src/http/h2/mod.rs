//! HTTP/2 on the pipeline: the `h2` crate's state machine (framing, HPACK, flow control,
//! SETTINGS, PING, RST_STREAM, GOAWAY) run over the filter's bytes (`io`), with no task of its
//! own, and heads converted to and from what scripts see (`heads`). `server` is the side
//! `demuxHTTP`/`serveHTTP` use.

pub mod client;
pub mod guard;
pub mod heads;
pub mod hpack_check;
pub mod io;
pub mod ready;
pub mod send;
pub mod server;
pub mod upgrade;

/// The client connection preface: an HTTP/2 connection with prior knowledge starts with it.
pub const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// An HTTP/2 window size option: at most 2^31 - 1 bytes (RFC 9113 §6.9.1).
pub fn window_size(filter: &str, n: usize) -> pipy_value::JsResult<u32> {
    u32::try_from(n).ok().filter(|&n| n > 0 && n < (1 << 31)).ok_or_else(|| {
        pipy_value::error::range_error(&format!("{filter}(): window size {n} is out of range (1 to 2^31-1)"))
    })
}

/// The windows and limits of one side of a connection (`demuxHTTP`'s and `muxHTTP`'s options).
#[derive(Clone, Copy)]
pub struct Settings {
    /// The receive window of each stream (`SETTINGS_INITIAL_WINDOW_SIZE`).
    pub stream_window: u32,
    /// The receive window of the whole connection.
    pub connection_window: u32,
    /// The largest header list the peer may send.
    pub max_header_list: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { stream_window: 1 << 20, connection_window: 1 << 24, max_header_list: 16 << 10 }
    }
}

/// Open streams of this process (every worker), by side: `pipy_http2_stream_count`.
static SERVER_STREAMS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
static CLIENT_STREAMS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Keeps one connection's share of the stream gauge up to date.
#[derive(Default)]
pub(crate) struct StreamGauge {
    counted: i64,
    client: bool,
}

impl StreamGauge {
    pub(crate) fn client() -> StreamGauge {
        StreamGauge { counted: 0, client: true }
    }

    /// The connection has `n` streams open now.
    pub(crate) fn set(&mut self, n: usize) {
        let n = n as i64;
        if n != self.counted {
            let g = if self.client { &CLIENT_STREAMS } else { &SERVER_STREAMS };
            g.fetch_add(n - self.counted, std::sync::atomic::Ordering::Relaxed);
            self.counted = n;
        }
    }
}

impl Drop for StreamGauge {
    fn drop(&mut self) {
        self.set(0);
    }
}

/// The original's `pipy_http2_stream_count` gauge, in Prometheus text.
pub fn metrics() -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let (s, c) = (SERVER_STREAMS.load(Relaxed), CLIENT_STREAMS.load(Relaxed));
    format!(
        "# TYPE pipy_http2_stream_count gauge\npipy_http2_stream_count {}\npipy_http2_stream_count{{type=\"Server\"}} {s}\npipy_http2_stream_count{{type=\"Client\"}} {c}\n",
        s + c
    )
}
