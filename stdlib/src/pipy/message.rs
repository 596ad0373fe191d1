//! The event classes `MessageStart`, `MessageEnd`, `StreamEnd`, and `Message`, the bundle of a
//! head, a body and a tail. Their objects are host objects (see
//! `pipy_engine::pipeline::event`); the fields are accessors so filters read them without
//! property lookups.

use super::data::data_of;
use crate::util::{self, arg};
use pipy_engine::pipeline::data::{Data, Encoding};
use pipy_engine::pipeline::event::{
    self, EventPrototypes, Message, MessageEndHost, MessageHost, MessageStartHost, StreamEndHost,
};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, function, realm};
use std::rc::Rc;

fn new_proto() -> Obj {
    let p = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    p.mark_prototype();
    p
}

fn with_proto(v: Value, nt: Option<&Obj>, fallback: &Obj) -> JsResult<Value> {
    if let (Some(nt), Value::Object(o)) = (nt, &v) {
        let fb = fallback.clone();
        let p = function::prototype_from_ctor(nt, move |_| fb.clone())?;
        o.set_proto(Some(p));
    } else if let Value::Object(o) = &v {
        o.set_proto(Some(fallback.clone()));
    }
    Ok(v)
}

fn host_obj(v: &Value) -> Option<Obj> {
    v.as_object().cloned()
}

/// Defines a read/write accessor `name` reading/writing a field of host payload `T`.
fn field<T: 'static>(proto: &Obj, name: &'static str, get: fn(&T) -> Value, set: fn(&mut T, Value)) {
    let g = function::native_function(
        &format!("get {name}"),
        0,
        Rc::new(move |this, _, _| Ok(host_obj(this).and_then(|o| o.with_host(|h: &mut T| get(h))).unwrap_or_default())),
        false,
    );
    let s = function::native_function(
        &format!("set {name}"),
        1,
        Rc::new(move |this, args, _| {
            let v = arg(args, 0);
            if let Some(o) = host_obj(this) {
                o.with_host(|h: &mut T| set(h, v));
            }
            Ok(Value::Undefined)
        }),
        false,
    );
    proto.define_accessor(name, Some(g), Some(s), pipy_value::attr::CONFIGURABLE);
}

/// `msg.body`: the same Data object each time, so changes through it stay in the message.
fn body_accessor(proto: &Obj) {
    let g = function::native_function(
        "get body",
        0,
        Rc::new(|this, _, _| {
            Ok(host_obj(this).and_then(|o| o.with_host(|h: &mut MessageHost| h.body_object())).unwrap_or_default())
        }),
        false,
    );
    let s = function::native_function(
        "set body",
        1,
        Rc::new(|this, args, _| {
            let v = arg(args, 0);
            let body = body_value(&v)?;
            let object = event::as_data(&v).is_some().then(|| v.clone());
            if let Some(o) = host_obj(this) {
                o.with_host(|h: &mut MessageHost| h.set_body(body, object));
            }
            Ok(Value::Undefined)
        }),
        false,
    );
    proto.define_accessor("body", Some(g), Some(s), pipy_value::attr::CONFIGURABLE);
}

fn body_value(v: &Value) -> JsResult<Data> {
    data_of(v, Encoding::Utf8)
}

fn type_getter(proto: &Obj, name: &'static str) {
    let g = function::native_function("get type", 0, Rc::new(move |_, _, _| Ok(Value::str(name))), false);
    proto.define_accessor("type", Some(g), None, pipy_value::attr::CONFIGURABLE);
}

pub fn install(data_proto: Obj) {
    // MessageStart(head?)
    let ms = new_proto();
    let ms2 = ms.clone();
    util::constructor(
        "MessageStart",
        1,
        &ms,
        Rc::new(move |_, args, nt| {
            let v = event::to_value(&event::Event::MessageStart(arg(args, 0)));
            with_proto(v, nt, &ms2)
        }),
    );
    type_getter(&ms, "MessageStart");
    field::<MessageStartHost>(&ms, "head", |h| h.head.clone(), |h, v| h.head = v);

    // MessageEnd(tail?, payload?)
    let me = new_proto();
    let me2 = me.clone();
    util::constructor(
        "MessageEnd",
        2,
        &me,
        Rc::new(move |_, args, nt| {
            let v = event::to_value(&event::Event::MessageEnd { tail: arg(args, 0), payload: arg(args, 1) });
            with_proto(v, nt, &me2)
        }),
    );
    type_getter(&me, "MessageEnd");
    field::<MessageEndHost>(&me, "tail", |h| h.tail.clone(), |h, v| h.tail = v);
    field::<MessageEndHost>(&me, "payload", |h| h.payload.clone(), |h, v| h.payload = v);

    // StreamEnd(error?)
    let se = new_proto();
    let se2 = se.clone();
    util::constructor(
        "StreamEnd",
        1,
        &se,
        Rc::new(move |_, args, nt| {
            let v = event::to_value(&event::Event::StreamEnd(event::stream_error_from(&arg(args, 0))));
            with_proto(v, nt, &se2)
        }),
    );
    type_getter(&se, "StreamEnd");
    field::<StreamEndHost>(
        &se,
        "error",
        |h| event::stream_error_value(&h.0),
        |h, v| h.0 = event::stream_error_from(&v),
    );

    // Message(body?) | Message(head, body?, tail?)
    let m = new_proto();
    let m2 = m.clone();
    util::constructor(
        "Message",
        3,
        &m,
        Rc::new(move |_, args, nt| {
            let msg = match args.len() {
                0 => Message::default(),
                1 => match &args[0] {
                    v @ (Value::String(_) | Value::Undefined | Value::Null) => {
                        Message { body: body_value(v)?, ..Message::default() }
                    }
                    v if event::as_data(v).is_some() => Message { body: body_value(v)?, ..Message::default() },
                    head => Message { head: head.clone(), ..Message::default() },
                },
                _ => {
                    let body = &args[1];
                    let (body, payload) = match body {
                        Value::String(_) | Value::Undefined | Value::Null => (body_value(body)?, Value::Undefined),
                        v if event::as_data(v).is_some() => (body_value(v)?, Value::Undefined),
                        other => (Data::new(), other.clone()),
                    };
                    Message { head: args[0].clone(), body, tail: arg(args, 2), payload }
                }
            };
            with_proto(event::message_value(msg), nt, &m2)
        }),
    );
    field::<MessageHost>(&m, "head", |h| h.0.head.clone(), |h, v| h.0.head = v);
    field::<MessageHost>(&m, "tail", |h| h.0.tail.clone(), |h, v| h.0.tail = v);
    field::<MessageHost>(&m, "payload", |h| h.0.payload.clone(), |h, v| h.0.payload = v);
    body_accessor(&m);

    event::set_prototypes(EventPrototypes {
        data: data_proto,
        message: m,
        message_start: ms,
        message_end: me,
        stream_end: se,
    });
    let _ = error::type_error;
}
