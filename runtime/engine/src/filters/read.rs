//! `read(pathname, options?)`: when the first event arrives, outputs the contents of a file as
//! Data followed by a StreamEnd; the input itself is not passed on. The pathname (or a function
//! giving it) is evaluated then; `seek` and `size` (numbers or functions) pick a part of the file.
//! The file is read at once (the original streams it asynchronously; the output is the same).

use super::{BuildCx, FilterSpec, arg, check_options, factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, error, ops};
use std::io::{Read as _, Seek, SeekFrom};
use std::rc::Rc;

const OPTIONS: &[&str] = &["seek", "size"];

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "read",
    params: "(pathname, options?)",
    help: "Outputs a file's contents as Data and a StreamEnd on the first input event",
    joint: false,
    options: OPTIONS,
    build,
}];

struct Config {
    pathname: Value,
    seek: Value,
    size: Value,
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let pathname = arg(args, 0);
    if pathname.is_nullish() {
        return Err(error::type_error("read(): a pathname is required"));
    }
    let options = arg(args, 1);
    check_options("read", &options, OPTIONS)?;
    let cfg = Config { pathname, seek: option(&options, "seek")?, size: option(&options, "size")? };
    Ok(factory("read", cfg, |c, _| Box::new(ReadFile { cfg: c.clone(), started: false })))
}

const CHUNK: usize = 16 * 1024;

struct ReadFile {
    cfg: Rc<Config>,
    started: bool,
}

fn number(cx: &mut Cx<'_>, v: &Value) -> Option<Option<u64>> {
    if v.is_nullish() {
        return Some(None);
    }
    let v = cx.eval(&v.clone(), &[])?;
    if v.is_nullish() {
        return Some(None);
    }
    Some(ops::to_number(&v).ok().filter(|n| *n >= 0.0).map(|n| n as u64))
}

impl Filter for ReadFile {
    fn process(&mut self, cx: &mut Cx<'_>, _e: Event) {
        if self.started {
            return;
        }
        self.started = true;
        let p = self.cfg.pathname.clone();
        let Some(path) = cx.eval(&p, &[]) else { return };
        let path = match ops::to_rust_string(&path) {
            Ok(p) => p,
            Err(e) => return cx.throw(e),
        };
        let Some(seek) = number(cx, &self.cfg.seek) else { return };
        let Some(size) = number(cx, &self.cfg.size) else { return };
        let result = (|| -> std::io::Result<Vec<u8>> {
            let mut f = std::fs::File::open(&path)?;
            if let Some(s) = seek {
                f.seek(SeekFrom::Start(s))?;
            }
            let mut buf = Vec::new();
            match size {
                Some(n) if n > 0 => {
                    f.take(n).read_to_end(&mut buf)?;
                }
                _ => {
                    f.read_to_end(&mut buf)?;
                }
            }
            Ok(buf)
        })();
        match result {
            Ok(bytes) => {
                for c in bytes.chunks(CHUNK) {
                    cx.output(Event::Data(Data::from(c)));
                }
                cx.output(Event::end());
            }
            Err(e) => cx.throw(error::type_error(&format!("read(): unable to open file for reading: {path}: {e}"))),
        }
    }
}
