//! `tee(filename, options?)`: writes the stream's Data to a file and passes every event through.
//! The filename (or a function giving it) is evaluated at the first Data; `'-'` is the standard
//! output. The file is truncated unless `append: true`, and closed at the StreamEnd. `shared` is
//! accepted (writes are unbuffered here, so streams writing one file interleave by chunk).
//! `maxFileSize` (bytes, or `'10m'`), `maxFileCount` and `rotateInterval` (seconds, or `'1h'`)
//! rotate the file as the original does (`crate::log::file`); a rotated file is appended to.

use super::{BuildCx, FilterSpec, arg, check_options, factory, option, parse_duration, parse_size};
use crate::log::file::{RotatingFile, Rotation};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, error, ops};
use std::io::Write;
use std::rc::Rc;

const OPTIONS: &[&str] = &["append", "shared", "maxFileSize", "maxFileCount", "rotateInterval"];

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
    /// Rotation, when any of its options is given.
    rotation: Option<Rotation>,
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let filename = arg(args, 0);
    if filename.is_nullish() {
        return Err(error::type_error("tee(): a filename is required"));
    }
    let options = arg(args, 1);
    check_options("tee", &options, OPTIONS)?;
    let append = option(&options, "append")?.truthy();
    let max_size = parse_size(&option(&options, "maxFileSize")?)?.unwrap_or(0) as u64;
    let max_count = match option(&options, "maxFileCount")? {
        v if v.is_nullish() => 0,
        v => ops::to_number(&v)?.max(0.0) as usize,
    };
    let interval = parse_duration(&option(&options, "rotateInterval")?)?
        .filter(|s| *s > 0.0)
        .map(std::time::Duration::from_secs_f64);
    let rotation =
        (max_size > 0 || max_count > 0 || interval.is_some()).then_some(Rotation { max_size, max_count, interval });
    Ok(factory("tee", Config { filename, append, rotation }, |c, _| Box::new(Tee { cfg: c.clone(), target: None })))
}

enum Target {
    Stdout,
    File(std::fs::File),
    Rotating(RotatingFile),
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
                    } else if let Some(rotation) = self.cfg.rotation {
                        match RotatingFile::open(std::path::Path::new(&name), rotation) {
                            Ok(f) => self.target = Some(Target::Rotating(f)),
                            Err(err) => {
                                return cx.throw(error::type_error(&format!("tee(): cannot open '{name}': {err}")));
                            }
                        }
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
                    Some(Target::Rotating(f)) => f.write(&d.to_vec()),
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
