//! `detectProtocol(callback, options?)`: watches the first bytes of the stream and calls back once
//! with what they look like: `'HTTP'` (an HTTP/1.x request line), `'HTTP2'` (the HTTP/2 client
//! preface), `'TLS'` (a TLS ClientHello record) or `''` (none of these, or nothing decided within
//! `timeout` seconds). Every event passes through; events the callback returns are output before
//! the event that decided.

use super::{BuildCx, FilterSpec, arg, check_options, factory, option, parse_duration};
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, error};
use std::rc::Rc;
use std::time::Duration;

const OPTIONS: &[&str] = &["timeout"];

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "detectProtocol",
    params: "(callback, options?)",
    help: "Calls back once with 'HTTP', 'HTTP2', 'TLS' or '' from the first bytes; passes all through",
    joint: false,
    options: OPTIONS,
    build,
}];

struct Config {
    callback: Value,
    timeout: Option<f64>,
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let callback = arg(args, 0);
    if !callback.is_callable() {
        return Err(error::type_error("detectProtocol(): the callback must be a function"));
    }
    let options = arg(args, 1);
    check_options("detectProtocol", &options, OPTIONS)?;
    let timeout = parse_duration(&option(&options, "timeout")?)?.filter(|t| *t > 0.0);
    Ok(factory("detectProtocol", Config { callback, timeout }, |c, _| {
        Box::new(Detect {
            cfg: c.clone(),
            http: Some(Http::default()),
            http2: Some(0),
            tls: Some(Vec::new()),
            done: false,
            timer: None,
        })
    }))
}

const METHODS: &[&[u8]] =
    &[b"GET ", b"HEAD ", b"POST ", b"PUT ", b"PATCH ", b"DELETE ", b"CONNECT ", b"OPTIONS ", b"TRACE "];
const VERSIONS: &[&[u8]] = &[b"HTTP/1.0\r\n", b"HTTP/1.1\r\n"];
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The outcome of feeding a byte to a detector.
enum Verdict {
    More,
    No,
    Yes,
}

/// Matches `token` being typed byte by byte against a list of words.
fn word(token: &mut Vec<u8>, c: u8, words: &[&[u8]]) -> Verdict {
    token.push(c);
    let mut prefix = false;
    for w in words {
        if w.starts_with(token) {
            if w.len() == token.len() {
                return Verdict::Yes;
            }
            prefix = true;
        }
    }
    if prefix { Verdict::More } else { Verdict::No }
}

#[derive(Default)]
struct Http {
    /// 0: method, 1: path, 2: version.
    stage: u8,
    token: Vec<u8>,
}

impl Http {
    fn feed(&mut self, c: u8) -> Verdict {
        match self.stage {
            0 => match word(&mut self.token, c, METHODS) {
                Verdict::Yes => {
                    self.stage = 1;
                    self.token.clear();
                    Verdict::More
                }
                v => v,
            },
            1 => {
                if c == b' ' {
                    self.stage = 2;
                }
                Verdict::More
            }
            _ => word(&mut self.token, c, VERSIONS),
        }
    }
}

fn tls_feed(buf: &mut Vec<u8>, c: u8) -> Verdict {
    buf.push(c);
    let ok = match buf.len() {
        1 => buf[0] == 22,
        2 => buf[1] == 3,
        3 => buf[2] <= 4,
        6 => buf[5] == 1,
        9 => {
            let hs = ((buf[6] as u32) << 16) + ((buf[7] as u32) << 8) + buf[8] as u32;
            let rec = ((buf[3] as u32) << 8) + buf[4] as u32;
            hs <= rec + 4
        }
        11 => return Verdict::Yes,
        _ => true,
    };
    if ok { Verdict::More } else { Verdict::No }
}

struct Detect {
    cfg: Rc<Config>,
    http: Option<Http>,
    http2: Option<usize>,
    tls: Option<Vec<u8>>,
    done: bool,
    timer: Option<tokio::task::JoinHandle<()>>,
}

impl Detect {
    fn feed(&mut self, c: u8) -> Option<&'static str> {
        if let Some(h) = &mut self.http {
            match h.feed(c) {
                Verdict::Yes => return Some("HTTP"),
                Verdict::No => self.http = None,
                Verdict::More => {}
            }
        }
        if let Some(p) = &mut self.http2 {
            if PREFACE[*p] != c {
                self.http2 = None;
            } else {
                *p += 1;
                if *p == PREFACE.len() {
                    return Some("HTTP2");
                }
            }
        }
        if let Some(b) = &mut self.tls {
            match tls_feed(b, c) {
                Verdict::Yes => return Some("TLS"),
                Verdict::No => self.tls = None,
                Verdict::More => {}
            }
        }
        if self.http.is_none() && self.http2.is_none() && self.tls.is_none() { Some("") } else { None }
    }

    fn decide(&mut self, cx: &mut Cx<'_>, result: &str) {
        self.done = true;
        if let Some(t) = self.timer.take() {
            t.abort();
        }
        let f = self.cfg.callback.clone();
        let Some(r) = cx.call(&f, &[Value::str(result)]) else { return };
        // Anything else the callback returns (as the value of `proto => _protocol = proto`) is
        // ignored, as in the original.
        if let Ok(evs) = event::events_of(&r) {
            cx.output_all(evs);
        }
    }
}

impl Filter for Detect {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.done {
            if let (Some(t), None) = (self.cfg.timeout, &self.timer) {
                let h = cx.handle();
                self.timer = super::task::spawn(async move {
                    tokio::time::sleep(Duration::from_secs_f64(t)).await;
                    h.wake(0);
                });
            }
            if let Event::Data(d) = &e {
                let mut found = None;
                'outer: for chunk in d.chunks() {
                    for &c in chunk.iter() {
                        if let Some(r) = self.feed(c) {
                            found = Some(r);
                            break 'outer;
                        }
                    }
                }
                if let Some(r) = found {
                    self.decide(cx, r);
                }
            }
        }
        cx.output(e);
    }

    fn wake(&mut self, cx: &mut Cx<'_>, _: u32) {
        self.timer = None;
        if !self.done {
            self.decide(cx, "");
        }
    }
}

impl Drop for Detect {
    fn drop(&mut self) {
        if let Some(t) = self.timer.take() {
            t.abort();
        }
    }
}
