//! The byte parsers of `pipy_protocols` on arbitrary input (the first byte picks one and, for
//! the streaming ones, a chunk size): RESP, MQTT (levels 4 and 5), multipart, SOCKS, the PROXY
//! protocol, Thrift, WebSocket frame headers, Dubbo headers, BGP (with and without 4-byte AS
//! numbers, each message written back), FastCGI records and params, Netlink messages, and the TLS
//! ClientHello.
//! None may panic or loop.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipy_protocols::{
    bgp, dubbo, fastcgi, mqtt, multipart, netlink, proxy_protocol, resp, socks, thrift, tls_hello, websocket,
};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let step = usize::from(pick >> 3) + 1;
    match pick % 13 {
        0 => {
            let mut at = 0;
            while let resp::Parsed::Done(_, next) = resp::parse(rest, at) {
                assert!(next > at);
                at = next;
            }
        }
        1 => {
            let _ = mqtt::decode_all(rest, 4);
        }
        2 => {
            let _ = mqtt::decode_all(rest, 5);
        }
        3 => {
            let mut s = multipart::Splitter::new("b");
            let mut out = Vec::new();
            for chunk in rest.chunks(step) {
                s.input(chunk, &mut out);
            }
            s.end(&mut out);
        }
        4 => {
            let _ = socks::parse_v4(rest);
            let _ = socks::parse_v5_greeting(rest);
            let _ = socks::parse_v5_request(rest);
            let _ = socks::v5_reply_len(rest);
            let _ = socks::v5_connect_request(&String::from_utf8_lossy(rest));
        }
        5 => {
            if let proxy_protocol::Parsed::Done(h, _) = proxy_protocol::parse(rest) {
                let _ = proxy_protocol::build(&h);
            }
        }
        6 => {
            for framing in [thrift::Framing::Auto, thrift::Framing::Framed, thrift::Framing::Bare] {
                if let thrift::Parsed::Done(m) = thrift::parse(rest, framing) {
                    assert!(m.len <= rest.len() && m.body.end <= m.len);
                    if let Ok(fields) = thrift::decode_struct(&rest[m.body], m.header.protocol) {
                        let mut out = Vec::new();
                        thrift::encode_struct(&mut out, m.header.protocol, &fields);
                    }
                }
            }
        }
        7 => {
            let mut at = 0;
            while let Some((header, used)) = websocket::parse_frame_header(&rest[at..]) {
                assert!(used > 0);
                at += used;
                let _ = header;
            }
        }
        8 => {
            if let Some(bytes) = rest.first_chunk::<{ dubbo::HEADER_LENGTH }>() {
                if let Some(header) = dubbo::parse_header(bytes) {
                    let _ = dubbo::write_header(&header);
                }
            }
        }
        9 => {
            for as4 in [false, true] {
                for m in bgp::decode_all(rest, as4).0 {
                    let _ = bgp::encode(&m, as4);
                }
            }
        }
        10 => {
            let mut d = fastcgi::RecordDecoder::new();
            let mut records = Vec::new();
            for chunk in rest.chunks(step) {
                if d.feed(chunk, &mut records).is_err() {
                    break;
                }
            }
            let mut params = fastcgi::ParamsDecoder::new();
            let mut pairs = Vec::new();
            for r in &records {
                let _ = fastcgi::BeginRequest::parse(&r.content);
                let _ = fastcgi::EndRequest::parse(&r.content);
                if params.feed(&r.content, &mut pairs).is_err() {
                    break;
                }
            }
            let _ = params.finish();
            let mut out = Vec::new();
            fastcgi::write_params(pairs.iter().map(|(n, v)| (n.as_slice(), v.as_slice())), &mut out);
            fastcgi::write_record(fastcgi::PARAMS, 1, &out, &mut Vec::new());
        }
        11 => {
            let mut d = netlink::Deframer::new();
            let mut pieces = Vec::new();
            for chunk in rest.chunks(step) {
                pieces.clear();
                if d.feed(chunk, &mut pieces).is_err() {
                    break;
                }
                for p in &pieces {
                    if let netlink::Piece::Body(r) = p {
                        assert!(r.end <= chunk.len());
                    }
                }
            }
            let _ = d.finish();
            let _ = netlink::parse_address(&String::from_utf8_lossy(rest));
        }
        _ => {
            let _ = tls_hello::client_hello(rest);
        }
    }
});
