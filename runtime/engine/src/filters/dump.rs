//! `dump(tag?)`: logs every event (its type, head, first bytes of Data) and passes it through.

use super::{BuildCx, FilterSpec, arg, factory};
use crate::log;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "dump",
    params: "(tag?)",
    help: "Logs every event (type, head, first bytes of Data) and passes it through",
    joint: false,
    options: &[],
    build: build_dump,
}];

struct DumpConfig {
    tag: Value,
}

fn build_dump(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("dump", DumpConfig { tag: arg(args, 0) }, |c, _| Box::new(Dump { cfg: c.clone(), tag: None })))
}

struct Dump {
    cfg: Rc<DumpConfig>,
    tag: Option<String>,
}

/// One line describing an event, as `dump` logs it.
pub fn describe(e: &Event) -> String {
    match e {
        Event::Data(d) => {
            let bytes = d.peek(16);
            let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let more = if d.len() > 16 { format!(" ... and {} more bytes", d.len() - 16) } else { String::new() };
            format!("Data [{}] [ {}{} ]", d.len(), hex.join(" "), more)
        }
        Event::MessageStart(head) => format!("MessageStart, head = {}", log::inspect(&event::script_value(head))),
        Event::MessageEnd { tail, payload } => {
            let mut s = format!("MessageEnd, tail = {}", log::inspect(&event::script_value(tail)));
            if !payload.is_undefined() {
                s.push_str(&format!(", payload = {}", log::inspect(payload)));
            }
            s
        }
        Event::StreamEnd(None) => "StreamEnd".to_string(),
        Event::StreamEnd(Some(err)) => {
            let v = event::stream_error_value(&Some(err.clone()));
            format!("StreamEnd, code = {}, error = {}", err.code().name(), log::inspect(&v))
        }
    }
}

impl Filter for Dump {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.tag.is_none() {
            let t = match &self.cfg.tag {
                Value::Undefined => String::new(),
                v if v.is_callable() => {
                    let f = v.clone();
                    cx.call(&f, &[]).and_then(|v| ops::to_rust_string(&v).ok()).unwrap_or_default()
                }
                v => ops::to_rust_string(v).unwrap_or_default(),
            };
            self.tag = Some(t);
        }
        let tag = self.tag.as_deref().unwrap_or("");
        let tag = if tag.is_empty() { String::new() } else { format!("[{tag}] ") };
        log::info(&format!("[dump] [context={}] {tag}{}", cx.context().id, describe(&e)));
        cx.output(e);
    }
}
