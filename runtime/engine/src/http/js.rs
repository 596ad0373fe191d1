//! HTTP heads as scripts see them, and back: `{ method, path, protocol, headers, headerNames }`
//! and `{ protocol, status, statusText, headers, headerNames }`. Header keys are lower-cased;
//! `headerNames` keeps the original spelling, which the encoder writes back. `cookie` and
//! `set-cookie` that repeat become arrays; other repeated headers are joined with `, `.

use crate::pipeline::event::{self, Deferred};
use pipy_protocols::http1::head::{Header, RequestHead, ResponseHead};
use pipy_value::object::Obj;
use pipy_value::{JsResult, PropKey, Value, attr, ops};

pub(crate) fn headers_object(headers: &[Header]) -> (Value, Value) {
    let h = Obj::ordinary();
    let names = Obj::ordinary();
    for hd in headers {
        let key = hd.lower_name();
        if key == "connection" || key == "keep-alive" {
            continue;
        }
        let pk = PropKey::from(key.as_str());
        let value = Value::str(&hd.value);
        match h.get_own_property(&pk).map(|p| p.slot) {
            Some(pipy_value::object::PropSlot::Data(prev)) if !prev.is_undefined() => {
                let merged = if key == "set-cookie" || key == "cookie" {
                    let mut list = match &prev {
                        Value::Object(o) if o.is_array() => o.array_elements().unwrap_or_default(),
                        other => vec![other.clone()],
                    };
                    list.push(value);
                    ops::new_array(list)
                } else {
                    let a = ops::to_rust_string(&prev).unwrap_or_default();
                    Value::string(format!("{a}, {}", hd.value))
                };
                h.define_value(pk, merged, attr::DEFAULT);
            }
            _ => h.define_value(pk, value, attr::DEFAULT),
        }
        if hd.name != key {
            names.define_value(PropKey::from(key.as_str()), Value::str(&hd.name), attr::DEFAULT);
        }
    }
    (Value::Object(h), Value::Object(names))
}

/// A decoded request head as events carry it: its script object is made when a script asks.
pub fn request_head_value(head: RequestHead) -> Value {
    event::deferred(head)
}

/// A decoded response head as events carry it.
pub fn response_head_value(head: ResponseHead) -> Value {
    event::deferred(head)
}

impl Deferred for RequestHead {
    fn make(&self) -> Value {
        request_object(self)
    }
}

impl Deferred for ResponseHead {
    fn make(&self) -> Value {
        response_object(self)
    }
}

impl Deferred for pipy_protocols::http1::Tail {
    fn make(&self) -> Value {
        tail_object(self)
    }
}

fn request_object(head: &RequestHead) -> Value {
    let o = Obj::ordinary();
    let (h, n) = headers_object(&head.headers);
    o.define_value("protocol", Value::str(&head.protocol), attr::DEFAULT);
    o.define_value("method", Value::str(&head.method), attr::DEFAULT);
    o.define_value("path", Value::str(&head.path), attr::DEFAULT);
    o.define_value("headers", h, attr::DEFAULT);
    o.define_value("headerNames", n, attr::DEFAULT);
    Value::Object(o)
}

fn response_object(head: &ResponseHead) -> Value {
    let o = Obj::ordinary();
    let (h, n) = headers_object(&head.headers);
    o.define_value("protocol", Value::str(&head.protocol), attr::DEFAULT);
    o.define_value("status", Value::num(f64::from(head.status)), attr::DEFAULT);
    o.define_value("statusText", Value::str(&head.status_text), attr::DEFAULT);
    o.define_value("headers", h, attr::DEFAULT);
    o.define_value("headerNames", n, attr::DEFAULT);
    Value::Object(o)
}

fn string_field(head: &Value, key: &str) -> JsResult<Option<String>> {
    match ops::get_str(head, key)? {
        Value::Undefined | Value::Null => Ok(None),
        v => Ok(Some(ops::to_rust_string(&v)?)),
    }
}

fn headers_of(head: &Value) -> JsResult<Vec<Header>> {
    let mut out = Vec::new();
    let headers = ops::get_str(head, "headers")?;
    let Value::Object(h) = &headers else { return Ok(out) };
    let names = ops::get_str(head, "headerNames")?;
    for k in ops::own_enumerable_keys(h) {
        let key = k.to_rust_string();
        let v = ops::get(&headers, &PropKey::from(k.clone()))?;
        let name = match &names {
            Value::Object(_) => match ops::get_str(&names, &key.to_ascii_lowercase())? {
                Value::String(s) => s.to_rust_string(),
                _ => key.clone(),
            },
            _ => key.clone(),
        };
        match &v {
            Value::Undefined | Value::Null => {}
            Value::Object(o) if o.is_array() => {
                for item in o.array_elements().unwrap_or_default() {
                    out.push(Header::new(name.clone(), ops::to_rust_string(&item)?));
                }
            }
            other => out.push(Header::new(name, ops::to_rust_string(other)?)),
        }
    }
    Ok(out)
}

/// A request head from a script value (missing fields take the original's defaults).
pub fn request_head_of(head: &Value) -> JsResult<RequestHead> {
    if let Some(h) = event::unseen(head, RequestHead::clone) {
        return Ok(h);
    }
    if let Some(h) = event::unseen(head, crate::http::h2::heads::RequestHead2::to_http1) {
        return Ok(h);
    }
    let head = &event::script_value(head);
    if !head.is_object() {
        return Ok(RequestHead {
            method: "GET".into(),
            path: "/".into(),
            protocol: "HTTP/1.1".into(),
            headers: Vec::new(),
        });
    }
    Ok(RequestHead {
        method: string_field(head, "method")?.unwrap_or_else(|| "GET".into()),
        path: string_field(head, "path")?.unwrap_or_else(|| "/".into()),
        protocol: string_field(head, "protocol")?.unwrap_or_else(|| "HTTP/1.1".into()),
        headers: with_host(headers_of(head)?, string_field(head, "authority")?),
    })
}

/// Headers for an HTTP/1 request: an HTTP/2 head's `authority` becomes the `host` header when
/// there is none.
pub(crate) fn with_host(mut headers: Vec<Header>, authority: Option<String>) -> Vec<Header> {
    if let Some(a) = authority.filter(|a| !a.is_empty()) {
        if !headers.iter().any(|h| h.is("host")) {
            headers.insert(0, Header::new("host", a));
        }
    }
    headers
}

pub fn response_head_of(head: &Value) -> JsResult<ResponseHead> {
    if let Some(h) = event::unseen(head, ResponseHead::clone) {
        return Ok(h);
    }
    let head = &event::script_value(head);
    if !head.is_object() {
        return Ok(ResponseHead::default());
    }
    let status = match ops::get_str(head, "status")? {
        Value::Undefined | Value::Null => 200,
        v => ops::to_number(&v)? as u16,
    };
    Ok(ResponseHead {
        protocol: string_field(head, "protocol")?.unwrap_or_else(|| "HTTP/1.1".into()),
        status,
        status_text: string_field(head, "statusText")?.unwrap_or_default(),
        headers: headers_of(head)?,
    })
}

/// The MessageEnd tail of a decoded message, as events carry it.
pub fn tail_value(t: pipy_protocols::http1::Tail) -> Value {
    event::deferred(t)
}

fn tail_object(t: &pipy_protocols::http1::Tail) -> Value {
    let o = Obj::ordinary();
    let (h, _) = headers_object(&t.trailers);
    o.define_value("headers", h, attr::DEFAULT);
    o.define_value("headSize", Value::num(t.head_size as f64), attr::DEFAULT);
    o.define_value("bodySize", Value::num(t.body_size as f64), attr::DEFAULT);
    Value::Object(o)
}
