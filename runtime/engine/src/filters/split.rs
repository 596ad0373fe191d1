//! `split(separator)`: cuts the Data of the stream into Messages at every occurrence of a separator
//! (a string, a Data, or a function giving one, evaluated when a run of Data starts). The
//! separator itself is dropped. Input message boundaries are not kept: a MessageEnd (or the
//! StreamEnd) closes the message being cut, so the bytes after the last separator still make a
//! (possibly empty) message. Bytes are passed on as they arrive, except the few that might be the
//! start of a separator. A StreamEnd always passes (the original drops it when no Data is being
//! cut, which leaves the stream unended).

use super::{BuildCx, FilterSpec, arg, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "split",
    params: "(separator)",
    help: "Cuts Data into Messages at a separator (string, Data or a function giving one)",
    joint: false,
    options: &[],
    build,
}];

const MAX_SEPARATOR: usize = 1024;

enum Sep {
    Fixed(Rc<Matcher>),
    Dynamic(Value),
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let v = arg(args, 0);
    let sep = if v.is_callable() { Sep::Dynamic(v) } else { Sep::Fixed(Rc::new(Matcher::new(separator_bytes(&v)?)?)) };
    Ok(factory("split", sep, |c, _| {
        Box::new(Split { sep: c.clone(), matcher: None, held: Vec::new(), matched: 0, started: false })
    }))
}

fn separator_bytes(v: &Value) -> JsResult<Vec<u8>> {
    if let Some(d) = event::as_data(v) {
        return Ok(d.to_vec());
    }
    if v.is_nullish() {
        return Err(error::type_error("split(): a separator is required"));
    }
    Ok(ops::to_rust_string(v)?.into_bytes())
}

/// A separator with its Knuth-Morris-Pratt failure table.
struct Matcher {
    pattern: Vec<u8>,
    /// `fail[j]`: length of the longest proper prefix of `pattern[..j]` that is also its suffix.
    fail: Vec<usize>,
}

impl Matcher {
    fn new(pattern: Vec<u8>) -> JsResult<Matcher> {
        if pattern.is_empty() {
            return Err(error::type_error("split(): the separator is empty"));
        }
        if pattern.len() > MAX_SEPARATOR {
            return Err(error::type_error("split(): a separator over 1KB is not supported"));
        }
        let mut fail = vec![0; pattern.len() + 1];
        let mut k = 0;
        for i in 1..pattern.len() {
            while k > 0 && pattern[i] != pattern[k] {
                k = fail[k];
            }
            if pattern[i] == pattern[k] {
                k += 1;
            }
            fail[i + 1] = k;
        }
        Ok(Matcher { pattern, fail })
    }
}

struct Split {
    sep: Rc<Sep>,
    /// The matcher of the current run of Data (None between runs).
    matcher: Option<Rc<Matcher>>,
    /// Bytes that may be the start of a separator, not output yet.
    held: Vec<u8>,
    matched: usize,
    started: bool,
}

impl Split {
    fn emit(&mut self, cx: &mut Cx<'_>, bytes: &[u8], end: bool) {
        if !self.started && (end || !bytes.is_empty()) {
            self.started = true;
            cx.output(Event::MessageStart(Value::Undefined));
        }
        if !bytes.is_empty() {
            cx.output(Event::Data(Data::from(bytes)));
        }
        if end {
            self.started = false;
            cx.output(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
        }
    }

    fn input(&mut self, cx: &mut Cx<'_>, d: &Data) {
        let Some(m) = self.matcher.clone() else { return };
        let n = m.pattern.len();
        let mut cur = std::mem::take(&mut self.held);
        let mut j = self.matched;
        for chunk in d.chunks() {
            for &b in chunk.iter() {
                cur.push(b);
                while j > 0 && b != m.pattern[j] {
                    j = m.fail[j];
                }
                if b == m.pattern[j] {
                    j += 1;
                }
                if j == n {
                    cur.truncate(cur.len() - n);
                    self.emit(cx, &cur, true);
                    cur.clear();
                    j = 0;
                }
            }
        }
        let keep = cur.len() - j.min(cur.len());
        self.emit(cx, &cur[..keep], false);
        self.held = cur[keep..].to_vec();
        self.matched = j;
    }

    fn end(&mut self, cx: &mut Cx<'_>) {
        if self.matcher.take().is_some() {
            let rest = std::mem::take(&mut self.held);
            self.emit(cx, &rest, true);
            self.matched = 0;
        }
    }
}

impl Filter for Split {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::Data(d) => {
                if self.matcher.is_none() {
                    let m = match &*self.sep {
                        Sep::Fixed(m) => m.clone(),
                        Sep::Dynamic(f) => {
                            let f = f.clone();
                            let Some(v) = cx.call(&f, &[]) else { return };
                            match separator_bytes(&v).and_then(Matcher::new) {
                                Ok(m) => Rc::new(m),
                                Err(e) => return cx.throw(e),
                            }
                        }
                    };
                    self.matcher = Some(m);
                }
                self.input(cx, &d);
            }
            Event::MessageStart(_) => {}
            Event::MessageEnd { .. } => self.end(cx),
            Event::StreamEnd(_) => {
                self.end(cx);
                cx.output(e);
            }
        }
    }
}
