//! `tee(filename, options?)`: writes the stream's Data to a file and passes every event through.
//! The filename (or a function giving it) is evaluated at the first Data; `'-'` is the standard
//! output. The file is truncated unless `append: true`, and closed at the StreamEnd. `shared` is
//! accepted (writes are unbuffered here, so streams writing one file interleave by chunk).

use super::{BuildCx, FilterSpec, arg, check_options, factory, option};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, error, ops};
use std::io::Write;
use std::rc::Rc;

const OPTIONS: &[&str] = &["append", "shared"];

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "tee",
    params: "(filename, options?)",
    help: "Writes Data to a file ('-' for stdout) and passes all events through",
    joint: false,
    options: OPTIONS,
    build,
}];

struct Config {
    filename: Value,
    append: bool,
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let filename = arg(args, 0);
    if filename.is_nullish() {
        return Err(error::type_error("tee(): a filename is required"));
    }
    let options = arg(args, 1);
    check_options("tee", &options, OPTIONS)?;
    let append = option(&options, "append")?.truthy();
    Ok(factory("tee", Config { filename, append }, |c, _| Box::new(Tee { cfg: c.clone(), target: None })))
}

enum Target {
    Stdout,
    File(std::fs::File),
}

struct Tee {
    cfg: Rc<Config>,
    target: Option<Target>,
}

impl Filter for Tee {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match &e {
            Event::Data(d) => {
                if self.target.is_none() {
                    let f = self.cfg.filename.clone();
                    let Some(name) = cx.eval(&f, &[]) else { return };
                    let name = match ops::to_rust_string(&name) {
                        Ok(n) => n,
                        Err(e) => return cx.throw(e),
                    };
                    if name == "-" {
                        self.target = Some(Target::Stdout);
                    } else {
                        let mut o = std::fs::OpenOptions::new();
                        o.create(true);
                        if self.cfg.append {
                            o.append(true);
                        } else {
                            o.write(true).truncate(true);
                        }
                        match o.open(&name) {
                            Ok(f) => self.target = Some(Target::File(f)),
                            Err(err) => {
                                return cx.throw(error::type_error(&format!("tee(): cannot open '{name}': {err}")));
                            }
                        }
                    }
                }
                let r = match &mut self.target {
                    Some(Target::Stdout) => {
                        let mut out = std::io::stdout().lock();
                        d.chunks().try_for_each(|c| out.write_all(c)).and_then(|_| out.flush())
                    }
                    Some(Target::File(f)) => d.chunks().try_for_each(|c| f.write_all(c)),
                    None => Ok(()),
                };
                if let Err(err) = r {
                    crate::log::error(&format!("tee(): write failed: {err}"));
                }
            }
            Event::StreamEnd(_) => self.target = None,
            _ => {}
        }
        cx.output(e);
    }
}
