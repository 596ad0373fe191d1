//! `http.Agent`: an HTTP client for scripts. `new http.Agent('host:port', options?)` builds the
//! pipeline `muxHTTP().to($=>$.connect(host))` once; `agent.request(method, path?, headers?,
//! body?)` (or `agent.request(message)`) sends one request through it and returns a Promise of
//! the response Message. Requests of one agent share its pooled upstream connections. With
//! `tls: { sni?, trusted?, certificate?, alpn? }` (the options of `connectTLS`) it speaks HTTPS;
//! the port then defaults to 443 and the server name to the host.
//!
//! A failed upstream gives the response a proxy would give (`502 Connection Refused`,
//! `504 Gateway Timeout`, …) as the resolved Message; the original rejects with that Message.

use crate::util::{self, arg};
use pipy_engine::filters::{self, BuildCx};
use pipy_engine::pipeline::event::{self, Event, Message};
use pipy_engine::pipeline::{Layout, Output, Pipeline, SubTarget, context};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, function, ops, realm};
use std::cell::RefCell;
use std::rc::Rc;

struct AgentHost {
    host: String,
    layout: Rc<Layout>,
}

const MODULE: &str = "http.Agent";

/// `host` with the default port (80, or 443 with TLS) when it has none (`[v6]` addresses keep
/// their brackets).
fn target_of(host: &str, tls: bool) -> String {
    let port = if tls { 443 } else { 80 };
    let has_port = match host.rfind(':') {
        Some(i) if host.starts_with('[') => host[..i].ends_with(']'),
        Some(i) => !host[..i].contains(':') && host[i + 1..].parse::<u16>().is_ok(),
        None => false,
    };
    if has_port {
        host.to_string()
    } else if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Splits the agent's options between `muxHTTP()` and `connect()` (each rejects keys it does
/// not know), and `tls` (the options of a `connectTLS()` in between).
fn split_options(options: &Value) -> JsResult<(Value, Value, Option<Value>)> {
    let mux_keys = filters::find("muxHTTP").map(|s| s.options).unwrap_or_default();
    let connect_keys = filters::find("connect").map(|s| s.options).unwrap_or_default();
    let (mux, connect) = (Value::Object(Obj::ordinary()), Value::Object(Obj::ordinary()));
    let mut tls = None;
    if let Value::Object(o) = options {
        for k in ops::own_enumerable_keys(o) {
            let name = k.to_rust_string();
            let v = ops::get_str(options, &name)?;
            if name == "tls" {
                tls = Some(if v.is_object() { v } else { Value::Object(Obj::ordinary()) });
            } else if mux_keys.contains(&name.as_str()) {
                ops::set_str(&mux, &name, v)?;
            } else if connect_keys.contains(&name.as_str()) {
                ops::set_str(&connect, &name, v)?;
            } else {
                let known: Vec<&str> = mux_keys.iter().chain(connect_keys).copied().collect();
                return Err(error::type_error(&format!(
                    "http.Agent: unknown option '{name}' (known: {})",
                    known.join(", ")
                )));
            }
        }
    }
    Ok((mux, connect, tls))
}

fn new_agent(host: String, options: &Value) -> JsResult<AgentHost> {
    let (mux_options, connect_options, tls_options) = split_options(options)?;
    let module: Rc<str> = MODULE.into();
    let no_sub = |_: &Value| -> JsResult<Rc<Layout>> { Err(error::type_error("http.Agent: no sub-pipeline here")) };
    let cx = BuildCx { module: module.clone(), make_sub: &no_sub };
    let spec = |name: &str| filters::find(name).ok_or_else(|| error::type_error(&format!("no {name} filter")));

    let mut connect = Layout::new(&module, &format!("http.Agent to {host}"));
    let target = target_of(&host, tls_options.is_some());
    connect.append((spec("connect")?.build)(&cx, &[Value::str(&target), connect_options])?);
    if let Some(tls) = tls_options {
        // muxHTTP → connectTLS → connect; the server name defaults to the agent's host.
        if ops::get_str(&tls, "sni")?.is_undefined() {
            let name =
                target.rsplit_once(':').map(|(h, _)| h.trim_start_matches('[').trim_end_matches(']')).unwrap_or("");
            if name.parse::<std::net::IpAddr>().is_err() {
                ops::set_str(&tls, "sni", Value::str(name))?;
            }
        }
        let tls_filter = (spec("connectTLS")?.build)(&cx, &[tls])?;
        if let Some(slot) = tls_filter.sub_slot() {
            slot.set(SubTarget::Layout(connect));
        }
        connect = Layout::new(&module, &format!("http.Agent TLS to {host}"));
        connect.append(tls_filter);
    }
    // One session key for every request of this agent: they share its upstream connections.
    let key = Value::str(&format!("http.Agent {host}"));
    let selector = function::native_function("", 0, Rc::new(move |_, _, _| Ok(key.clone())), false);
    let mux = (spec("muxHTTP")?.build)(&cx, &[Value::Object(selector), mux_options])?;
    if let Some(slot) = mux.sub_slot() {
        slot.set(SubTarget::Layout(connect));
    }
    let layout = Layout::new(&module, &format!("http.Agent {host}"));
    layout.append(mux);
    Ok(AgentHost { host, layout })
}

/// The request's head object, with a `host` header unless the caller gave one.
fn request_head(host: &str, method: Value, path: Value, headers: Value) -> JsResult<Value> {
    let h = Value::Object(Obj::ordinary());
    if let Value::Object(o) = &headers {
        for k in ops::own_enumerable_keys(o) {
            let name = k.to_rust_string();
            ops::set_str(&h, &name, ops::get_str(&headers, &name)?)?;
        }
    }
    let has_host = match &h {
        Value::Object(o) => ops::own_enumerable_keys(o).iter().any(|k| k.to_rust_string().eq_ignore_ascii_case("host")),
        _ => false,
    };
    if !has_host {
        ops::set_str(&h, "host", Value::str(host))?;
    }
    let head = Value::Object(Obj::ordinary());
    ops::set_str(&head, "method", method)?;
    ops::set_str(&head, "path", if path.is_undefined() { Value::str("/") } else { path })?;
    ops::set_str(&head, "headers", h)?;
    Ok(head)
}

fn request(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(o) = this else { return Err(error::type_error("not an http.Agent")) };
    let Some((host, layout)) = o.with_host(|a: &mut AgentHost| (a.host.clone(), a.layout.clone())) else {
        return Err(error::type_error("not an http.Agent"));
    };
    let first = arg(args, 0);
    let (head, body) = match event::as_message(&first) {
        Some(m) => {
            let head = event::script_value(&m.head);
            let get = |k: &str| ops::get_str(&head, k).unwrap_or_default();
            (request_head(&host, get("method"), get("path"), get("headers"))?, m.body)
        }
        None => {
            let method = Value::str(&ops::to_rust_string(&first)?);
            let body = match arg(args, 3) {
                Value::Undefined | Value::Null => Default::default(),
                v => crate::pipy::data::data_of(&v, pipy_engine::pipeline::data::Encoding::Utf8)?,
            };
            (request_head(&host, method, arg(args, 1), arg(args, 2))?, body)
        }
    };

    let (promise, resolve, _reject) = crate::promise::new_promise();
    // The pipeline holds itself (through its output) until the response is complete.
    let keep: Rc<RefCell<Option<Rc<Pipeline>>>> = Rc::default();
    let reply: RefCell<Option<Message>> = RefCell::new(None);
    let keep2 = keep.clone();
    let output = Output::Func(Box::new(move |e| {
        let done = match e {
            Event::MessageStart(head) => {
                *reply.borrow_mut() = Some(Message { head, ..Message::default() });
                false
            }
            Event::Data(d) => {
                if let Some(m) = reply.borrow_mut().as_mut() {
                    m.body.push(&d);
                }
                false
            }
            Event::MessageEnd { tail, payload } => {
                if let Some(mut m) = reply.borrow_mut().take() {
                    m.tail = tail;
                    m.payload = payload;
                    let _ = function::call(&resolve, &Value::Undefined, &[event::message_value(m)]);
                }
                true
            }
            Event::StreamEnd(_) => true,
        };
        if done {
            let k = keep2.clone();
            realm::enqueue_microtask(Box::new(move || drop(k.borrow_mut().take())));
        }
    }));
    let p = Pipeline::new(&layout, context::new_root_copy(), output);
    *keep.borrow_mut() = Some(p.clone());
    p.start(&[]);
    p.input_all(vec![
        Event::MessageStart(head),
        Event::Data(body),
        Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined },
    ]);
    Ok(Value::Object(promise))
}

pub fn install(http: &Obj) {
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    proto.mark_prototype();
    util::method(&proto, "request", 1, request);
    let p2 = proto.clone();
    let ctor = function::native_function(
        "Agent",
        2,
        Rc::new(move |_, args, _| {
            let host = ops::to_rust_string(&arg(args, 0))?;
            let agent = new_agent(host, &arg(args, 1))?;
            Ok(Value::Object(Obj::new(Some(p2.clone()), ObjectKind::Host(Box::new(agent)))))
        }),
        true,
    );
    ctor.define_value("prototype", Value::Object(proto.clone()), 0);
    proto.define_hidden("constructor", Value::Object(ctor.clone()));
    http.define_hidden("Agent", Value::Object(ctor));
}

#[cfg(test)]
mod tests {
    use super::target_of;

    #[test]
    fn the_default_port_is_80() {
        assert_eq!(target_of("example.com", false), "example.com:80");
        assert_eq!(target_of("example.com", true), "example.com:443");
        assert_eq!(target_of("localhost:8080", true), "localhost:8080");
        assert_eq!(target_of("::1", false), "[::1]:80");
        assert_eq!(target_of("[::1]:8080", false), "[::1]:8080");
    }
}
