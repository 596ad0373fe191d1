//! The PROXY protocol (HAProxy's, versions 1 and 2), both ends: glues
//! `pipy_protocols::proxy_protocol` (the bytes) to pipeline events and scripts.
//!
//! `acceptProxyProtocol(onConnect).to(sub)` reads the header at the start of the input and calls
//! `onConnect(header)` with `{version, command (v2), protocol, sourceAddress, sourcePort,
//! targetAddress, targetPort}`; truthy starts `sub` with the rest of the stream, falsy (or a
//! malformed header) ends the stream. `connectProxyProtocol(header).to(sub)` writes a header made
//! from such an object (or a function giving one; `version: 2` for the binary form, version 1
//! otherwise) in front of its input into `sub`. Both share the caller's context.

use super::{BuildCx, FilterSpec, arg, joint_factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use pipy_protocols::proxy_protocol::{Header, Parsed, build, parse};
use pipy_value::object::Obj;
use pipy_value::shape::attr;
use pipy_value::{JsResult, Value, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "acceptProxyProtocol",
        params: "(onConnect)",
        help: "Reads a PROXY protocol (v1/v2) header; onConnect(header) decides whether the rest streams through a sub-pipeline",
        joint: true,
        options: &[],
        build: build_server,
    },
    FilterSpec {
        name: "connectProxyProtocol",
        params: "(header)",
        help: "Writes a PROXY protocol header (an object, or a function giving one) before the input into a sub-pipeline",
        joint: true,
        options: &[],
        build: build_client,
    },
];

fn header_value(h: &Header) -> Value {
    let o = Obj::ordinary();
    let text = |s: Option<&str>| s.map(Value::str).unwrap_or_default();
    o.define_value("version", Value::from(h.version as usize), attr::DEFAULT);
    if h.command.is_some() {
        o.define_value("command", text(h.command), attr::DEFAULT);
    }
    o.define_value("protocol", Value::str(&h.protocol), attr::DEFAULT);
    if h.source_address.is_some() {
        o.define_value("sourceAddress", text(h.source_address.as_deref()), attr::DEFAULT);
        o.define_value("sourcePort", Value::from(h.source_port as usize), attr::DEFAULT);
        o.define_value("targetAddress", text(h.target_address.as_deref()), attr::DEFAULT);
        o.define_value("targetPort", Value::from(h.target_port as usize), attr::DEFAULT);
    }
    Value::Object(o)
}

fn header_of(v: &Value) -> JsResult<Header> {
    let text = |k: &str| -> JsResult<Option<String>> {
        let x = ops::get_str(v, k)?;
        if x.is_nullish() { Ok(None) } else { ops::to_rust_string(&x).map(Some) }
    };
    let number = |k: &str| -> JsResult<u16> {
        let x = ops::get_str(v, k)?;
        Ok(if x.is_nullish() { 0 } else { ops::to_number(&x)? as u16 })
    };
    let command = match text("command")?.as_deref() {
        Some("LOCAL") => Some("LOCAL"),
        _ => Some("PROXY"),
    };
    Ok(Header {
        version: if number("version")? == 2 { 2 } else { 1 },
        command,
        protocol: text("protocol")?.unwrap_or_else(|| "TCP4".into()),
        source_address: text("sourceAddress")?,
        source_port: number("sourcePort")?,
        target_address: text("targetAddress")?,
        target_port: number("targetPort")?,
    })
}

// ---- acceptProxyProtocol ----

fn build_server(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let f = arg(args, 0);
    if !f.is_callable() {
        return Err(error::type_error("acceptProxyProtocol(): onConnect must be a function"));
    }
    Ok(joint_factory("acceptProxyProtocol", f, SubSlot::new(None), |f, slot| {
        Box::new(ProxyServer { on_connect: f.clone(), slot: slot.cloned(), buf: Vec::new(), sub: None, done: false })
    }))
}

struct ProxyServer {
    on_connect: Rc<Value>,
    slot: Option<Rc<SubSlot>>,
    buf: Vec<u8>,
    sub: Option<Rc<Pipeline>>,
    /// The header was read (the stream goes to `sub`) or refused (the rest is dropped).
    done: bool,
}

impl ProxyServer {
    fn refuse(&mut self, cx: &mut Cx<'_>) {
        self.done = true;
        self.buf.clear();
        cx.output(Event::end());
    }
}

impl Filter for ProxyServer {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if let Some(p) = &self.sub {
            return p.input(e);
        }
        if self.done {
            return;
        }
        let d = match e {
            Event::Data(d) => d,
            Event::StreamEnd(_) => {
                self.done = true;
                return cx.output(e);
            }
            Event::MessageStart(_) | Event::MessageEnd { .. } => return,
        };
        self.buf.extend_from_slice(&d.to_vec());
        let (header, len) = match parse(&self.buf) {
            Parsed::More => return,
            Parsed::Invalid => return self.refuse(cx),
            Parsed::Done(h, len) => (h, len),
        };
        let f = (*self.on_connect).clone();
        let granted = cx.call(&f, &[header_value(&header)]).is_some_and(|v| v.truthy());
        if !granted {
            return self.refuse(cx);
        }
        let Some(layout) = super::sub_layout(cx, self.slot.as_ref(), "acceptProxyProtocol") else {
            return self.refuse(cx);
        };
        self.done = true;
        let p = cx.sub(&layout, SubContext::Share, 0);
        p.start(&[]);
        self.sub = Some(p.clone());
        let rest = self.buf.split_off(len);
        self.buf.clear();
        if !rest.is_empty() {
            p.input(Event::Data(Data::from(rest)));
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        cx.output(e);
    }
}

// ---- connectProxyProtocol ----

fn build_client(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let h = arg(args, 0);
    if !matches!(h, Value::Object(_)) {
        return Err(error::type_error(
            "connectProxyProtocol(): a header object (or a function giving one) is required",
        ));
    }
    Ok(joint_factory("connectProxyProtocol", h, SubSlot::new(None), |h, slot| {
        Box::new(ProxyClient { header: h.clone(), slot: slot.cloned(), sub: None, failed: false })
    }))
}

struct ProxyClient {
    header: Rc<Value>,
    slot: Option<Rc<SubSlot>>,
    sub: Option<Rc<Pipeline>>,
    failed: bool,
}

impl ProxyClient {
    fn start(&mut self, cx: &mut Cx<'_>) -> Option<Rc<Pipeline>> {
        let mut h = (*self.header).clone();
        if h.is_callable() {
            h = cx.call(&h, &[])?;
        }
        if !matches!(h, Value::Object(_)) {
            cx.throw(error::type_error("connectProxyProtocol(): the header is not (or did not give) an object"));
            return None;
        }
        let header = match header_of(&h) {
            Ok(x) => x,
            Err(e) => {
                cx.throw(e);
                return None;
            }
        };
        let layout = super::sub_layout(cx, self.slot.as_ref(), "connectProxyProtocol")?;
        let p = cx.sub(&layout, SubContext::Share, 0);
        p.start(&[]);
        p.input(Event::Data(Data::from(build(&header))));
        Some(p)
    }
}

impl Filter for ProxyClient {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.failed {
            return;
        }
        if self.sub.is_none() {
            self.sub = self.start(cx);
            if self.sub.is_none() {
                self.failed = true;
                return cx.output(Event::end());
            }
        }
        if let Some(p) = &self.sub {
            p.input(e);
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        cx.output(e);
    }
}
