//! `serveHTTP(handler, options?)`: the HTTP/1 server that answers each request with `handler` (a
//! Message, or a function returning a Message or a Promise of one). It is `demuxHTTP`'s server
//! (`demux_http.rs`) with a handler in place of a sub-pipeline.

use super::demux_http::{OPTIONS, config, make};
use super::{BuildCx, FilterSpec, arg};
use crate::pipeline::FilterFactory;
use crate::pipeline::event;
use pipy_value::{JsResult, Value, error};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "serveHTTP",
    params: "(handler, options?)",
    help: "HTTP server: answers each request with handler (a Message or a function returning one)",
    joint: false,
    options: OPTIONS,
    build: build_serve,
}];

fn build_serve(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let h = arg(args, 0);
    if !h.is_callable() && event::as_message(&h).is_none() {
        return Err(error::type_error("serveHTTP(): the handler must be a Message or a function returning one"));
    }
    let cfg = config("serveHTTP", &arg(args, 1), Some(h))?;
    Ok(super::factory("serveHTTP", cfg, make))
}
