//! Events: what flows through pipelines, and their JS objects.
//!
//! A stream is `Data`, `MessageStart`, `MessageEnd` and `StreamEnd` events. A `Message` is not an
//! event but a bundle (head, body, tail) that becomes `MessageStart`, `Data`, `MessageEnd` when a
//! filter outputs it. The JS classes are defined by the standard library; their objects are host
//! objects holding the structs below, so converting between a JS value and an `Event` reads no
//! properties by name.

use super::data::Data;
use pipy_value::error;
use pipy_value::object::{Obj, ObjectKind};
use pipy_value::{JsResult, Value};
use std::cell::RefCell;

/// Why a stream ended. The names are the JS-visible `StreamEnd#error` strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Replay,
    RuntimeError,
    ReadError,
    WriteError,
    CannotResolve,
    ConnectionAborted,
    ConnectionReset,
    ConnectionRefused,
    ConnectionTimeout,
    ReadTimeout,
    WriteTimeout,
    IdleTimeout,
    BufferOverflow,
    ProtocolError,
    Unauthorized,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::Replay,
        ErrorCode::RuntimeError,
        ErrorCode::ReadError,
        ErrorCode::WriteError,
        ErrorCode::CannotResolve,
        ErrorCode::ConnectionAborted,
        ErrorCode::ConnectionReset,
        ErrorCode::ConnectionRefused,
        ErrorCode::ConnectionTimeout,
        ErrorCode::ReadTimeout,
        ErrorCode::WriteTimeout,
        ErrorCode::IdleTimeout,
        ErrorCode::BufferOverflow,
        ErrorCode::ProtocolError,
        ErrorCode::Unauthorized,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::Replay => "Replay",
            ErrorCode::RuntimeError => "RuntimeError",
            ErrorCode::ReadError => "ReadError",
            ErrorCode::WriteError => "WriteError",
            ErrorCode::CannotResolve => "CannotResolve",
            ErrorCode::ConnectionAborted => "ConnectionAborted",
            ErrorCode::ConnectionReset => "ConnectionReset",
            ErrorCode::ConnectionRefused => "ConnectionRefused",
            ErrorCode::ConnectionTimeout => "ConnectionTimeout",
            ErrorCode::ReadTimeout => "ReadTimeout",
            ErrorCode::WriteTimeout => "WriteTimeout",
            ErrorCode::IdleTimeout => "IdleTimeout",
            ErrorCode::BufferOverflow => "BufferOverflow",
            ErrorCode::ProtocolError => "ProtocolError",
            ErrorCode::Unauthorized => "Unauthorized",
        }
    }

    pub fn parse(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The error a `StreamEnd` carries.
#[derive(Clone, Debug)]
pub enum StreamError {
    Code(ErrorCode),
    /// A `RuntimeError` carrying a script value (`new StreamEnd(value)`, an exception).
    Value(Value),
}

impl StreamError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StreamError::Code(c) => *c,
            StreamError::Value(_) => ErrorCode::RuntimeError,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Event {
    Data(Data),
    MessageStart(Value),
    MessageEnd { tail: Value, payload: Value },
    StreamEnd(Option<StreamError>),
}

impl Event {
    pub fn end() -> Event {
        Event::StreamEnd(None)
    }

    pub fn error(code: ErrorCode) -> Event {
        Event::StreamEnd(Some(StreamError::Code(code)))
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Event::Data(_) => "Data",
            Event::MessageStart(_) => "MessageStart",
            Event::MessageEnd { .. } => "MessageEnd",
            Event::StreamEnd(_) => "StreamEnd",
        }
    }

    pub fn is_stream_end(&self) -> bool {
        matches!(self, Event::StreamEnd(_))
    }
}

/// A whole message: what `handleMessage` and `replaceMessage` callbacks see.
#[derive(Clone, Debug, Default)]
pub struct Message {
    pub head: Value,
    pub body: Data,
    pub tail: Value,
    pub payload: Value,
}

impl Message {
    /// The events this message is written as.
    pub fn into_events(self, out: &mut Vec<Event>) {
        out.push(Event::MessageStart(self.head));
        if !self.body.is_empty() {
            out.push(Event::Data(self.body));
        }
        out.push(Event::MessageEnd { tail: self.tail, payload: self.payload });
    }
}

// ---- host payloads of the JS classes ----

/// `Data` objects.
pub struct DataHost(pub Data);
/// `MessageStart` objects.
pub struct MessageStartHost {
    pub head: Value,
}
/// `MessageEnd` objects.
pub struct MessageEndHost {
    pub tail: Value,
    pub payload: Value,
}
/// `StreamEnd` objects.
pub struct StreamEndHost(pub Option<StreamError>);
/// `Message` objects. The second field is the Data object scripts got from `msg.body`, so what
/// they change through it (`msg.body.push(…)`) is part of the message.
pub struct MessageHost(pub Message, pub Option<Value>);

impl MessageHost {
    /// The message as it is now, with changes made through its body object.
    pub fn current(&self) -> Message {
        let mut m = self.0.clone();
        if let Some(Value::Object(o)) = &self.1 {
            if let Some(d) = o.with_host(|d: &mut DataHost| d.0.clone()) {
                m.body = d;
            }
        }
        m
    }

    /// `msg.body`: the same Data object every time.
    pub fn body_object(&mut self) -> Value {
        if let Some(v) = &self.1 {
            return v.clone();
        }
        let v = data_value(self.0.body.clone());
        self.1 = Some(v.clone());
        v
    }

    /// `msg.body = d`: a Data object is kept as it is (scripts may go on changing it).
    pub fn set_body(&mut self, body: Data, object: Option<Value>) {
        self.0.body = body;
        self.1 = object;
    }
}

/// Tells the cycle collector what the event classes' host objects hold.
pub fn register_tracers() {
    use pipy_value::cycles::trace_host;
    trace_host::<MessageStartHost>(|h, v| v.value(&h.head));
    trace_host::<MessageEndHost>(|h, v| {
        v.value(&h.tail);
        v.value(&h.payload);
    });
    trace_host::<MessageHost>(|h, v| {
        v.value(&h.0.head);
        v.value(&h.0.tail);
        v.value(&h.0.payload);
        if let Some(body) = &h.1 {
            v.value(body);
        }
    });
    trace_host::<StreamEndHost>(|h, v| {
        if let Some(StreamError::Value(e)) = &h.0 {
            v.value(e);
        }
    });
    trace_host::<DeferredHost>(|h, v| {
        if let Some(made) = &h.made {
            v.value(made);
        }
    });
}

/// The prototypes of the event classes, set by the standard library when it installs them.
#[derive(Clone)]
pub struct EventPrototypes {
    pub data: Obj,
    pub message: Obj,
    pub message_start: Obj,
    pub message_end: Obj,
    pub stream_end: Obj,
}

thread_local! {
    static PROTOS: RefCell<Option<EventPrototypes>> = const { RefCell::new(None) };
}

pub fn set_prototypes(p: EventPrototypes) {
    PROTOS.with(|s| *s.borrow_mut() = Some(p));
}

fn protos() -> Option<EventPrototypes> {
    PROTOS.with(|s| s.borrow().clone())
}

fn host(proto: Option<Obj>, payload: Box<dyn std::any::Any>) -> Value {
    let proto = proto.or_else(|| Some(pipy_value::realm::intrinsics().object_prototype.clone()));
    Value::Object(Obj::new(proto, ObjectKind::Host(payload)))
}

pub fn data_value(d: Data) -> Value {
    host(protos().map(|p| p.data), Box::new(DataHost(d)))
}

pub fn message_value(mut m: Message) -> Value {
    m.head = script_value(&m.head);
    m.tail = script_value(&m.tail);
    host(protos().map(|p| p.message), Box::new(MessageHost(m, None)))
}

/// A value kept in Rust form until a script needs it (a decoded HTTP head or tail): making the
/// script object costs more than most proxies ever need.
pub trait Deferred: std::any::Any {
    /// The script object.
    fn make(&self) -> Value;
}

/// The host object an event carries for a deferred value; `made` is its script object once
/// one was asked for.
struct DeferredHost {
    source: Box<dyn Deferred>,
    made: Option<Value>,
}

/// A value events can carry in place of a script object.
pub fn deferred(source: impl Deferred) -> Value {
    Value::Object(Obj::new(None, ObjectKind::Host(Box::new(DeferredHost { source: Box::new(source), made: None }))))
}

/// What scripts see of `v`: a deferred value's script object (made once, then the same object,
/// so what a script changes in it is what later filters read); anything else is itself.
pub fn script_value(v: &Value) -> Value {
    if let Value::Object(o) = v {
        if let Some(made) = o.with_host(|h: &mut DeferredHost| h.made.get_or_insert_with(|| h.source.make()).clone()) {
            return made;
        }
    }
    v.clone()
}

/// A look at a deferred `T` that no script has seen (so it cannot have changed).
pub fn unseen<T: 'static, R>(v: &Value, f: impl FnOnce(&T) -> R) -> Option<R> {
    let Value::Object(o) = v else { return None };
    o.with_host(|h: &mut DeferredHost| {
        if h.made.is_some() {
            return None;
        }
        let any: &dyn std::any::Any = &*h.source;
        any.downcast_ref::<T>().map(f)
    })
    .flatten()
}

/// The JS object of an event (a new object each time; its contents are shared).
pub fn to_value(e: &Event) -> Value {
    let p = protos();
    match e {
        Event::Data(d) => host(p.map(|p| p.data), Box::new(DataHost(d.clone()))),
        Event::MessageStart(head) => {
            host(p.map(|p| p.message_start), Box::new(MessageStartHost { head: script_value(head) }))
        }
        Event::MessageEnd { tail, payload } => host(
            p.map(|p| p.message_end),
            Box::new(MessageEndHost { tail: script_value(tail), payload: script_value(payload) }),
        ),
        Event::StreamEnd(err) => host(p.map(|p| p.stream_end), Box::new(StreamEndHost(err.clone()))),
    }
}

/// The Data inside a `Data` object.
pub fn as_data(v: &Value) -> Option<Data> {
    match v {
        Value::Object(o) => o.with_host(|d: &mut DataHost| d.0.clone()),
        _ => None,
    }
}

/// The message inside a `Message` object.
pub fn as_message(v: &Value) -> Option<Message> {
    match v {
        Value::Object(o) => o.with_host(|m: &mut MessageHost| m.current()),
        _ => None,
    }
}

/// Appends the events a value stands for: an event, a Message, or an array of them (nested arrays
/// flatten). `undefined`/`null` stand for nothing. Anything else is a TypeError.
pub fn from_value(v: &Value, out: &mut Vec<Event>) -> JsResult<()> {
    match v {
        Value::Undefined | Value::Null | Value::Hole => Ok(()),
        Value::Object(o) => {
            if let Some(elems) = o.array_elements() {
                for e in &elems {
                    from_value(e, out)?;
                }
                return Ok(());
            }
            let ev = {
                let b = o.borrow();
                match &b.kind {
                    ObjectKind::Host(h) => {
                        if let Some(d) = h.downcast_ref::<DataHost>() {
                            Some(Event::Data(d.0.clone()))
                        } else if let Some(m) = h.downcast_ref::<MessageStartHost>() {
                            Some(Event::MessageStart(m.head.clone()))
                        } else if let Some(m) = h.downcast_ref::<MessageEndHost>() {
                            Some(Event::MessageEnd { tail: m.tail.clone(), payload: m.payload.clone() })
                        } else if let Some(s) = h.downcast_ref::<StreamEndHost>() {
                            Some(Event::StreamEnd(s.0.clone()))
                        } else if let Some(m) = h.downcast_ref::<MessageHost>() {
                            m.current().into_events(out);
                            return Ok(());
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            };
            match ev {
                Some(e) => {
                    out.push(e);
                    Ok(())
                }
                None => Err(error::type_error(&format!(
                    "{} is not an event, a Message or an array of them",
                    pipy_value::ops::describe(v)
                ))),
            }
        }
        _ => Err(error::type_error(&format!(
            "{} is not an event, a Message or an array of them",
            pipy_value::ops::describe(v)
        ))),
    }
}

/// Events of a value, as a new list.
pub fn events_of(v: &Value) -> JsResult<Vec<Event>> {
    let mut out = Vec::new();
    from_value(v, &mut out)?;
    Ok(out)
}

/// The `error` field as JS sees it: undefined, the code's name, or the carried value.
pub fn stream_error_value(e: &Option<StreamError>) -> Value {
    match e {
        None => Value::Undefined,
        Some(StreamError::Code(c)) => Value::str(c.name()),
        Some(StreamError::Value(v)) => v.clone(),
    }
}

/// `new StreamEnd(x)`: a known code name, or a runtime error carrying `x`.
pub fn stream_error_from(v: &Value) -> Option<StreamError> {
    match v {
        Value::Undefined | Value::Null => None,
        Value::String(s) => match ErrorCode::parse(&s.to_rust_string()) {
            Some(c) => Some(StreamError::Code(c)),
            None => Some(StreamError::Value(v.clone())),
        },
        _ => Some(StreamError::Value(v.clone())),
    }
}
