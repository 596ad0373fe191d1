//! `demuxFastCGI().to(sub)`: the FastCGI application (server) side. The input is a connection's
//! FastCGI records (from a web server such as nginx); each request gets its own sub-pipeline,
//! with a copy of the context, once its params are complete: a Message whose head is `{role,
//! keepAlive, params}` (params an object of the FCGI_PARAMS name-value pairs, as the original
//! exposes them) and whose body is the request's FCGI_STDIN, streamed as it comes. The first
//! Message the sub-pipeline outputs is the response: its body goes back as FCGI_STDOUT records,
//! its end as an empty FCGI_STDOUT and FCGI_END_REQUEST (with the tail's `appStatus` and
//! `protocolStatus`; a tail's `stderr` Data goes out as FCGI_STDERR first). A request without
//! FCGI_KEEP_CONN closes the connection after its response, as the original does.
//!
//! Where this differs from the original: a request id is free again once its response has ended
//! (the original ignores a second request with the same id on a connection, which is what nginx
//! sends on a kept connection); a sub-pipeline that ends without a response still gets its
//! FCGI_END_REQUEST (the original leaves the client waiting); FCGI_ABORT_REQUEST is answered with
//! FCGI_END_REQUEST, as the specification asks; the end of the input ends the output once every
//! response is out. Malformed records (a version other than 1, a short FCGI_BEGIN_REQUEST, a
//! params stream cut inside a pair or over 1 MiB, more than 4 MiB of params held at once by the
//! requests of a connection still being started), which the original reads as zeros or drops, are
//! logged and end the connection with a `ProtocolError`.

use super::{BuildCx, FilterSpec, joint_factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use pipy_protocols::fastcgi::{self as fcgi, BeginRequest, EndRequest, ParamsDecoder, Record, RecordDecoder};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, ops};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// The most params bytes all the requests of a connection that are still being started may hold
/// at once (each request's own are at most `fastcgi::MAX_PARAMS_SIZE`).
const MAX_CONNECTION_PARAMS: usize = 4 << 20;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "demuxFastCGI",
    params: "()",
    help: "FastCGI application side: each request's params and stdin as a Message (head: role, keepAlive, params) into its own sub-pipeline; its response back as stdout",
    joint: true,
    options: &[],
    build,
}];

fn build(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(joint_factory("demuxFastCGI", (), SubSlot::new(None), |_, sub| {
        Box::new(DemuxFastCgi {
            sub: sub.cloned(),
            decoder: RecordDecoder::new(),
            requests: FxHashMap::default(),
            params_pending: 0,
            next_tag: 0,
            eos: None,
            done: false,
        })
    }))
}

/// A name-value pair of a request's params.
type Pair = (Vec<u8>, Vec<u8>);

/// A request of the connection, by its id.
struct Request {
    /// The tag its sub-pipeline's output comes back with.
    tag: u32,
    begin: BeginRequest,
    /// Its params so far, until their stream ends.
    params: Option<(ParamsDecoder, Vec<Pair>)>,
    /// Its sub-pipeline, once the params are complete.
    pipeline: Option<Rc<Pipeline>>,
    /// Bytes of params it holds until they are complete.
    params_size: usize,
    /// Its FCGI_STDIN ended (the request Message is whole).
    input_ended: bool,
    /// The sub-pipeline's response has started.
    response_started: bool,
}

struct DemuxFastCgi {
    sub: Option<Rc<SubSlot>>,
    decoder: RecordDecoder,
    requests: FxHashMap<u16, Request>,
    /// Bytes of params held by requests whose params are not complete yet.
    params_pending: usize,
    next_tag: u32,
    /// The input ended: output once every response is out.
    eos: Option<Event>,
    /// The output ended (an error, or a request without FCGI_KEEP_CONN answered).
    done: bool,
}

/// The head a request's Message carries: `{role, keepAlive, params}`.
fn head_value(begin: &BeginRequest, params: &[Pair]) -> Value {
    let p = Obj::ordinary();
    for (name, value) in params {
        let name = String::from_utf8_lossy(name);
        p.define_value(name.as_ref(), Value::str(&String::from_utf8_lossy(value)), attr::DEFAULT);
    }
    let head = Obj::ordinary();
    head.define_value("role", Value::from(usize::from(begin.role)), attr::DEFAULT);
    head.define_value("keepAlive", Value::Bool(begin.keep_conn()), attr::DEFAULT);
    head.define_value("params", Value::Object(p), attr::DEFAULT);
    Value::Object(head)
}

/// A number field of a response tail (0 when absent or not a number).
fn tail_number(tail: &Value, key: &str) -> JsResult<f64> {
    let v = option(tail, key)?;
    if v.is_nullish() {
        return Ok(0.0);
    }
    let n = ops::to_number(&v)?;
    Ok(if n.is_finite() { n } else { 0.0 })
}

/// What a response's MessageEnd tail says: END_REQUEST's fields, and stderr bytes.
fn end_of(tail: &Value) -> JsResult<(EndRequest, Vec<u8>)> {
    let tail = event::script_value(tail);
    let app_status = tail_number(&tail, "appStatus")? as i64 as u32;
    let protocol_status = tail_number(&tail, "protocolStatus")? as i64 as u8;
    let stderr = match option(&tail, "stderr")? {
        Value::Undefined | Value::Null => Vec::new(),
        v => match event::as_data(&v) {
            Some(d) => d.to_vec(),
            None => ops::to_string(&v)?.to_rust_string().into_bytes(),
        },
    };
    Ok((EndRequest { app_status, protocol_status }, stderr))
}

impl DemuxFastCgi {
    /// Malformed input: logged, and the connection ends.
    fn malformed(&mut self, cx: &mut Cx<'_>, err: &dyn std::fmt::Display) {
        crate::log::error(&format!("[demuxFastCGI] malformed FastCGI record: {err}; closing the connection"));
        self.requests.clear();
        self.done = true;
        cx.output(Event::error(ErrorCode::ProtocolError));
    }

    fn on_record(&mut self, cx: &mut Cx<'_>, r: Record) -> Result<(), String> {
        let id = r.request_id;
        match r.kind {
            fcgi::BEGIN_REQUEST if id != 0 => {
                let begin = BeginRequest::parse(&r.content).map_err(|e| e.to_string())?;
                if self.requests.contains_key(&id) {
                    // A request with this id is still going: the original ignores a second one.
                    return Ok(());
                }
                self.next_tag = self.next_tag.wrapping_add(1);
                let req = Request {
                    tag: self.next_tag,
                    begin,
                    params: Some((ParamsDecoder::new(), Vec::new())),
                    params_size: 0,
                    pipeline: None,
                    input_ended: false,
                    response_started: false,
                };
                self.requests.insert(id, req);
            }
            fcgi::ABORT_REQUEST => {
                if let Some(req) = self.requests.remove(&id) {
                    self.params_pending = self.params_pending.saturating_sub(req.params_size);
                    let mut out = Vec::new();
                    fcgi::write_record(fcgi::STDOUT, id, &[], &mut out);
                    fcgi::write_record(fcgi::END_REQUEST, id, &EndRequest::default().to_bytes(), &mut out);
                    cx.output(Event::Data(Data::from(out)));
                    let keep = req.begin.keep_conn();
                    drop(req);
                    if !keep {
                        self.end_output(cx, Event::end());
                    }
                }
            }
            fcgi::PARAMS => {
                let Some(req) = self.requests.get_mut(&id) else { return Ok(()) };
                let Some((decoder, pairs)) = req.params.as_mut() else { return Ok(()) };
                if !r.content.is_empty() {
                    req.params_size = req.params_size.saturating_add(r.content.len());
                    self.params_pending = self.params_pending.saturating_add(r.content.len());
                    if self.params_pending > MAX_CONNECTION_PARAMS {
                        return Err(format!(
                            "FCGI_PARAMS of the requests being started exceed {MAX_CONNECTION_PARAMS} bytes"
                        ));
                    }
                    return decoder.feed(&r.content, pairs).map_err(|e| e.to_string());
                }
                decoder.finish().map_err(|e| e.to_string())?;
                self.params_pending = self.params_pending.saturating_sub(std::mem::take(&mut req.params_size));
                let Some((_, pairs)) = req.params.take() else { return Ok(()) };
                let head = head_value(&req.begin, &pairs);
                let tag = req.tag;
                let Some(layout) = super::sub_layout(cx, self.sub.as_ref(), "demuxFastCGI") else {
                    // No sub-pipeline to run (the error was thrown): nothing more to do.
                    self.done = true;
                    self.requests.clear();
                    return Ok(());
                };
                let p = cx.sub(&layout, SubContext::Clone, tag);
                req.pipeline = Some(p.clone());
                p.start(&[]);
                p.input(Event::MessageStart(head));
            }
            fcgi::STDIN => {
                let Some(req) = self.requests.get_mut(&id) else { return Ok(()) };
                if req.input_ended {
                    return Ok(());
                }
                let Some(p) = req.pipeline.clone() else { return Ok(()) };
                if r.content.is_empty() {
                    req.input_ended = true;
                    p.input(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
                } else {
                    p.input(Event::Data(Data::from(r.content)));
                }
            }
            // FCGI_DATA (the filter role's extra stream), management records and unknown types
            // are ignored, as the original does.
            _ => {}
        }
        Ok(())
    }

    /// The id of the request whose sub-pipeline has `tag`.
    fn request_of(&self, tag: u32) -> Option<u16> {
        self.requests.iter().find(|(_, r)| r.tag == tag).map(|(id, _)| *id)
    }

    /// The output ends with `e` (once).
    fn end_output(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.done {
            self.done = true;
            cx.output(e);
        }
    }

    /// The input ended earlier and no response is due any more: so does the output.
    fn check_end(&mut self, cx: &mut Cx<'_>) {
        if self.eos.is_some() && self.requests.values().all(|r| r.pipeline.is_none()) {
            self.requests.clear();
            if let Some(e) = self.eos.take() {
                self.end_output(cx, e);
            }
        }
    }

    /// Request `id`'s response is complete: END_REQUEST, and the connection's end when the
    /// request did not ask to keep it.
    fn finish(&mut self, cx: &mut Cx<'_>, id: u16, tail: &Value) {
        let Some(req) = self.requests.remove(&id) else { return };
        let (end, stderr) = match end_of(tail) {
            Ok(v) => v,
            Err(e) => {
                cx.throw(e);
                self.done = true;
                return;
            }
        };
        let mut out = Vec::new();
        if !stderr.is_empty() {
            fcgi::write_record(fcgi::STDERR, id, &stderr, &mut out);
            fcgi::write_record(fcgi::STDERR, id, &[], &mut out);
        }
        fcgi::write_record(fcgi::STDOUT, id, &[], &mut out);
        fcgi::write_record(fcgi::END_REQUEST, id, &end.to_bytes(), &mut out);
        cx.output(Event::Data(Data::from(out)));
        // Its sub-pipeline goes with it (the output it is giving now is already handled).
        drop(req);
    }
}

impl Filter for DemuxFastCgi {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.done {
            return;
        }
        match e {
            Event::Data(d) => {
                let mut records = Vec::new();
                let mut failure = None;
                for c in d.chunks() {
                    if let Err(err) = self.decoder.feed(c, &mut records) {
                        failure = Some(err);
                        break;
                    }
                }
                for r in records {
                    if self.done {
                        return;
                    }
                    if let Err(err) = self.on_record(cx, r) {
                        return self.malformed(cx, &err);
                    }
                }
                if let Some(err) = failure {
                    self.malformed(cx, &err);
                }
            }
            Event::StreamEnd(_) => {
                // Requests whose params never ended are dropped; a request whose stdin was cut
                // short gets the end, so its sub-pipeline can still answer.
                self.requests.retain(|_, r| r.pipeline.is_some());
                self.params_pending = 0;
                let cut: Vec<Rc<Pipeline>> = self
                    .requests
                    .values_mut()
                    .filter(|r| !r.input_ended)
                    .filter_map(|r| {
                        r.input_ended = true;
                        r.pipeline.clone()
                    })
                    .collect();
                self.eos = Some(e);
                for p in cut {
                    p.input(Event::end());
                }
                self.check_end(cx);
            }
            Event::MessageStart(_) | Event::MessageEnd { .. } => {}
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, tag: u32, e: Event) {
        if self.done {
            return;
        }
        let Some(id) = self.request_of(tag) else { return };
        let Some(req) = self.requests.get_mut(&id) else { return };
        match e {
            Event::MessageStart(_) => req.response_started = true,
            Event::Data(d) => {
                if req.response_started && !d.is_empty() {
                    let mut out = Vec::new();
                    fcgi::write_record(fcgi::STDOUT, id, &d.to_vec(), &mut out);
                    cx.output(Event::Data(Data::from(out)));
                }
            }
            Event::MessageEnd { tail, .. } => {
                if req.response_started {
                    let keep = req.begin.keep_conn();
                    self.finish_request(cx, id, &tail, keep);
                }
            }
            Event::StreamEnd(_) => {
                let keep = req.begin.keep_conn();
                self.finish_request(cx, id, &Value::Undefined, keep);
            }
        }
    }
}

impl DemuxFastCgi {
    fn finish_request(&mut self, cx: &mut Cx<'_>, id: u16, tail: &Value, keep: bool) {
        self.finish(cx, id, tail);
        if !keep {
            self.end_output(cx, Event::end());
        }
        self.check_end(cx);
    }
}
