//! `depositMessage(filename, {threshold, keep}?)`: keeps a message's body out of memory. The
//! first `threshold` bytes of a body (a size: bytes or `'64k'`; default 0) pass straight through;
//! once that many have gone by, the rest of the body is written to `filename` (a string, or a
//! function giving one, evaluated then) and, when the message ends, read back from the file in
//! 16 KiB Data events on later turns of the event loop, followed by the MessageEnd. The file
//! exists while it streams back out and is deleted after the MessageEnd has gone downstream,
//! unless `keep: true`. Bodies no larger than the threshold never touch a file.
//!
//! As in the original, the file holds the whole body (the part that went straight through
//! too) and Data outside a message is dropped. Where the original goes wrong, this one does not:
//! every message of a stream is deposited on its own (the original mangles all but the first);
//! events after a message's end wait until its body has streamed out (in the original a
//! StreamEnd overtakes the body); a StreamEnd outside a message is passed on (the original drops
//! it and the stream never ends). A file that cannot be created or written (a missing or
//! read-only folder, a full disk) ends the stream with an error naming the file and the cause,
//! and what was written of it is deleted; the original stalls the stream. Only a regular file is
//! ever deleted (a filename naming a device, such as `/dev/full`, is written to but left alone).

use super::wait::{Timer, post};
use super::{BuildCx, FilterSpec, arg, check_options, factory, option, parse_size};
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot};
use pipy_value::{JsResult, Value, error, ops};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::rc::Rc;

const OPTIONS: &[&str] = &["threshold", "keep"];

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "depositMessage",
    params: "(filename, options?)",
    help: "Spills message bodies over a threshold to a file and streams them back out (options: threshold, keep)",
    joint: false,
    options: OPTIONS,
    build,
}];

struct Config {
    filename: Value,
    threshold: usize,
    keep: bool,
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let filename = arg(args, 0);
    if filename.is_nullish() {
        return Err(error::type_error("depositMessage(): a filename is required"));
    }
    let options = arg(args, 1);
    if !options.is_nullish() && !matches!(options, Value::Object(_)) {
        return Err(error::type_error("depositMessage(): the options must be an object"));
    }
    check_options("depositMessage", &options, OPTIONS)?;
    let threshold = parse_size(&option(&options, "threshold")?)
        .map_err(|_| error::type_error("depositMessage(): options.threshold expects a number or a size like '64k'"))?
        .unwrap_or(0);
    let keep = match option(&options, "keep")? {
        Value::Bool(b) => b,
        v if v.is_nullish() => false,
        _ => return Err(error::type_error("depositMessage(): options.keep expects a boolean")),
    };
    Ok(factory("depositMessage", Config { filename, threshold, keep }, make))
}

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(DepositMessage {
        cfg: cfg.clone(),
        started: false,
        passed: 0,
        head: Data::new(),
        path: None,
        writer: None,
        reader: None,
        end: None,
        held: Vec::new(),
        timer: None,
        failed: false,
    })
}

/// Bytes read back from the file per Data event.
const CHUNK: usize = 16 * 1024;

/// Wake tokens.
const READ: u32 = 1;
/// The end went out: delete the file and go on with the held events.
const FINISH: u32 = 2;

struct DepositMessage {
    cfg: Rc<Config>,
    /// Inside a message (its MessageStart went out).
    started: bool,
    /// Body bytes that went straight through.
    passed: usize,
    /// Those bytes, for the file's start (kept only until the file is made).
    head: Data,
    /// The file of the current message, once there is one.
    path: Option<String>,
    writer: Option<BufWriter<File>>,
    /// Reading the file back out.
    reader: Option<File>,
    /// The event that ended the message, output after the body.
    end: Option<Event>,
    /// Input that came while the body streamed back out.
    held: Vec<Event>,
    timer: Option<Timer>,
    /// The stream ended with an error: input is dropped.
    failed: bool,
}

impl DepositMessage {
    /// Reading back, or waiting to delete the file: later input must wait.
    fn busy(&self) -> bool {
        self.reader.is_some() || self.end.is_some() || self.timer.is_some()
    }

    /// Ends the stream with an error about the file and deletes what was written.
    fn fail(&mut self, cx: &mut Cx<'_>, what: &str, e: std::io::Error) {
        let path = self.path.clone().unwrap_or_default();
        self.failed = true;
        self.writer = None;
        self.reader = None;
        self.end = None;
        self.timer = None;
        self.held.clear();
        if let Some(p) = self.path.take() {
            remove_regular_file(&p);
        }
        cx.throw(error::type_error(&format!("depositMessage(): cannot {what} file '{path}': {e}")));
    }

    fn remove_file(&mut self) {
        if let Some(p) = self.path.take() {
            if !self.cfg.keep {
                remove_regular_file(&p);
            }
        }
    }

    /// A Data event of the body: through, or into the file.
    fn body(&mut self, cx: &mut Cx<'_>, d: Data) {
        if self.writer.is_none() && self.passed < self.cfg.threshold {
            self.passed += d.len();
            self.head.push(&d);
            return cx.output(Event::Data(d));
        }
        if self.writer.is_none() {
            let f = self.cfg.filename.clone();
            let Some(name) = cx.eval(&f, &[]) else {
                self.failed = true;
                return;
            };
            let name = match ops::to_rust_string(&name) {
                Ok(n) => n,
                Err(e) => {
                    self.failed = true;
                    return cx.throw(e);
                }
            };
            self.path = Some(name.clone());
            match File::create(&name) {
                Ok(f) => self.writer = Some(BufWriter::with_capacity(64 * 1024, f)),
                Err(e) => return self.fail(cx, "create", e),
            }
            let head = std::mem::take(&mut self.head);
            if let Err(e) = write_data(self.writer.as_mut(), &head) {
                return self.fail(cx, "write", e);
            }
        }
        if let Err(e) = write_data(self.writer.as_mut(), &d) {
            self.fail(cx, "write", e);
        }
    }

    /// The message ends with `e`: out at once, or after the body is read back.
    fn finish_message(&mut self, cx: &mut Cx<'_>, e: Event) {
        let Some(mut w) = self.writer.take() else {
            self.reset();
            return cx.output(e);
        };
        let opened = w
            .flush()
            .map_err(|e| ("write", e))
            .and_then(|_| File::open(self.path.as_deref().unwrap_or_default()).map_err(|e| ("open", e)))
            .and_then(|mut f| f.seek(SeekFrom::Start(self.passed as u64)).map(|_| f).map_err(|e| ("read", e)));
        drop(w);
        match opened {
            Ok(f) => {
                self.reader = Some(f);
                self.end = Some(e);
                self.timer = Some(post(cx.handle(), READ));
            }
            Err((what, err)) => self.fail(cx, what, err),
        }
    }

    /// Ready for the next message.
    fn reset(&mut self) {
        self.started = false;
        self.passed = 0;
        self.head.clear();
        self.path = None;
        self.end = None;
        self.reader = None;
        self.timer = None;
    }

    fn input(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.failed {
            return;
        }
        if self.busy() {
            return self.held.push(e);
        }
        match e {
            Event::MessageStart(_) => {
                if !self.started {
                    self.started = true;
                    cx.output(e);
                }
            }
            Event::Data(d) => {
                if self.started && !d.is_empty() {
                    self.body(cx, d);
                }
            }
            Event::MessageEnd { .. } => {
                if self.started {
                    self.finish_message(cx, e);
                }
            }
            Event::StreamEnd(_) => {
                if self.started {
                    self.finish_message(cx, e);
                } else {
                    cx.output(e);
                }
            }
        }
    }
}

/// Deletes `path` if it is a regular file: a filename naming a device (`/dev/full`) or a
/// folder is written to or fails, but is never deleted.
fn remove_regular_file(path: &str) {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        let _ = std::fs::remove_file(path);
    }
}

fn write_data(w: Option<&mut BufWriter<File>>, d: &Data) -> std::io::Result<()> {
    let Some(w) = w else { return Ok(()) };
    for c in d.chunks() {
        w.write_all(c)?;
    }
    Ok(())
}

impl Filter for DepositMessage {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        self.input(cx, e);
    }

    fn wake(&mut self, cx: &mut Cx<'_>, token: u32) {
        if self.failed || self.timer.take().is_none() {
            return;
        }
        match token {
            READ => {
                let Some(r) = self.reader.as_mut() else { return };
                let mut buf = vec![0u8; CHUNK];
                let n = loop {
                    match r.read(&mut buf) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            let path = self.path.clone().unwrap_or_default();
                            crate::log::error(&format!("depositMessage(): cannot read file '{path}': {e}"));
                            self.failed = true;
                            self.reader = None;
                            self.end = None;
                            self.held.clear();
                            self.remove_file();
                            return cx.fail(ErrorCode::ReadError);
                        }
                    }
                };
                if n > 0 {
                    buf.truncate(n);
                    cx.output(Event::Data(Data::from(buf)));
                    self.timer = Some(post(cx.handle(), READ));
                } else {
                    // The end goes out now; the file goes once it has been seen downstream.
                    self.reader = None;
                    if let Some(end) = self.end.take() {
                        cx.output(end);
                    }
                    self.timer = Some(post(cx.handle(), FINISH));
                }
            }
            _ => {
                self.remove_file();
                self.reset();
                for e in std::mem::take(&mut self.held) {
                    self.input(cx, e);
                }
            }
        }
    }
}

impl Drop for DepositMessage {
    fn drop(&mut self) {
        // A stream dropped halfway leaves no file behind.
        self.writer = None;
        self.reader = None;
        self.remove_file();
    }
}
