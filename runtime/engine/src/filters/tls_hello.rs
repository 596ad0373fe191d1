//! `handleTLSClientHello(callback)`: glues `pipy_protocols::tls_hello` (the bytes) to pipeline
//! events and scripts. It watches the start of a TLS stream, and once the client's hello is
//! complete calls `callback({serverNames, protocolNames})` with its SNI names and ALPN protocols.
//! Every event passes on unchanged, so it sits in front of `acceptTLS` or of a TLS-passthrough
//! `connect` (routing by server name without decrypting).

use super::{BuildCx, FilterSpec, arg, factory};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::tls_hello::{MAX_HELLO, Progress, client_hello};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, error};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "handleTLSClientHello",
    params: "(callback)",
    help: "Calls callback({serverNames, protocolNames}) with the TLS ClientHello's SNI and ALPN; passes everything on",
    joint: false,
    options: &[],
    build,
}];

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let f = arg(args, 0);
    if !f.is_callable() {
        return Err(error::type_error("handleTLSClientHello(): callback must be a function"));
    }
    Ok(factory("handleTLSClientHello", f, |f, _| {
        Box::new(OnClientHello { callback: f.clone(), buf: Vec::new(), done: false })
    }))
}

struct OnClientHello {
    callback: Rc<Value>,
    buf: Vec<u8>,
    done: bool,
}

fn strings(v: &[String]) -> Value {
    Value::Object(Obj::array(v.iter().map(|s| Value::str(s)).collect()))
}

impl Filter for OnClientHello {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match &e {
            Event::Data(d) if !self.done => {
                self.buf.extend_from_slice(&d.to_vec());
                match client_hello(&self.buf) {
                    Progress::More if self.buf.len() <= MAX_HELLO + 5 * 16 => {}
                    Progress::More | Progress::NotHello => {
                        self.done = true;
                        self.buf = Vec::new();
                    }
                    Progress::Done(h) => {
                        self.done = true;
                        self.buf = Vec::new();
                        let info = Obj::ordinary();
                        info.define_value("serverNames", strings(&h.server_names), pipy_value::attr::DEFAULT);
                        info.define_value("protocolNames", strings(&h.protocol_names), pipy_value::attr::DEFAULT);
                        let f = (*self.callback).clone();
                        cx.call(&f, &[Value::Object(info)]);
                    }
                }
            }
            Event::StreamEnd(_) => {
                self.done = false;
                self.buf = Vec::new();
            }
            _ => {}
        }
        cx.output(e);
    }
}
