//! `pack(batchSize = 1, options?)`: merges every `batchSize` messages into one (the first one's
//! head, the bodies concatenated, the last one's MessageEnd). Options: `prefix`, `postfix` and
//! `separator` (strings or Data) frame the merged body; `timeout` (default 5 s) outputs a partial
//! batch after that long without input; `interval` (default 5 s) outputs the batch at a
//! MessageEnd when that long has passed since the last output (so, as in the original, the first
//! message after a quiet period goes out at once); 0 turns either off. `vacancy` is accepted and
//! ignored (it tunes the original's memory chunks). A StreamEnd outputs what is collected first.

use super::{BuildCx, FilterSpec, arg, check_options, factory, option, parse_duration};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, error, ops};
use std::rc::Rc;
use std::time::{Duration, Instant};

const OPTIONS: &[&str] = &["vacancy", "timeout", "interval", "prefix", "postfix", "separator"];

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "pack",
    params: "(batchSize?, options?)",
    help: "Merges every batchSize Messages into one (prefix/postfix/separator, timeout, interval)",
    joint: false,
    options: OPTIONS,
    build,
}];

struct Config {
    batch: u32,
    timeout: f64,
    interval: f64,
    prefix: Option<Data>,
    postfix: Option<Data>,
    separator: Option<Data>,
}

fn bytes_option(options: &Value, key: &str) -> JsResult<Option<Data>> {
    let v = option(options, key)?;
    if v.is_nullish() {
        return Ok(None);
    }
    if let Some(d) = event::as_data(&v) {
        return Ok(Some(d));
    }
    Ok(Some(Data::from(ops::to_rust_string(&v)?.as_str())))
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let (batch, options) = match arg(args, 0) {
        Value::Undefined | Value::Null => (1, arg(args, 1)),
        Value::Number(n) => (n.max(0.0) as u32, arg(args, 1)),
        o @ Value::Object(_) => (1, o),
        v => return Err(error::type_error(&format!("pack(): invalid batch size {}", ops::describe(&v)))),
    };
    check_options("pack", &options, OPTIONS)?;
    let cfg = Config {
        batch,
        timeout: parse_duration(&option(&options, "timeout")?)?.unwrap_or(5.0),
        interval: parse_duration(&option(&options, "interval")?)?.unwrap_or(5.0),
        prefix: bytes_option(&options, "prefix")?,
        postfix: bytes_option(&options, "postfix")?,
        separator: bytes_option(&options, "separator")?,
    };
    Ok(factory("pack", cfg, |c, _| {
        Box::new(Pack {
            cfg: c.clone(),
            head: Value::Undefined,
            body: Data::new(),
            starts: 0,
            ends: 0,
            last_input: Instant::now(),
            last_flush: None,
            timer: None,
        })
    }))
}

struct Pack {
    cfg: Rc<Config>,
    head: Value,
    body: Data,
    starts: u32,
    ends: u32,
    last_input: Instant,
    last_flush: Option<Instant>,
    timer: Option<tokio::task::JoinHandle<()>>,
}

impl Pack {
    fn flush(&mut self, cx: &mut Cx<'_>, end: Event) {
        if let Some(p) = &self.cfg.postfix {
            self.body.push(p);
        }
        cx.output(Event::MessageStart(std::mem::take(&mut self.head)));
        let body = std::mem::take(&mut self.body);
        if !body.is_empty() {
            cx.output(Event::Data(body));
        }
        cx.output(end);
        self.starts = 0;
        self.ends = 0;
        if self.cfg.interval > 0.0 {
            self.last_flush = Some(Instant::now());
        }
    }

    fn start_timer(&mut self, cx: &mut Cx<'_>) {
        if self.timer.is_some() || self.cfg.timeout <= 0.0 {
            return;
        }
        let tick = Duration::from_secs_f64(self.cfg.timeout.min(1.0));
        let h = cx.handle();
        self.timer = super::task::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                if !h.alive() {
                    return;
                }
                h.wake(0);
            }
        });
    }
}

impl Filter for Pack {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        self.start_timer(cx);
        match e {
            Event::MessageStart(head) => {
                if self.starts == 0 {
                    self.head = head;
                    self.body = self.cfg.prefix.clone().unwrap_or_default();
                } else if let Some(s) = &self.cfg.separator {
                    self.body.push(s);
                }
                self.starts += 1;
            }
            Event::Data(d) => {
                if self.starts > 0 {
                    self.body.push(&d);
                }
            }
            Event::MessageEnd { .. } => {
                self.ends += 1;
                self.last_input = Instant::now();
                let full = self.starts == self.ends && self.ends >= self.cfg.batch;
                let due = self.cfg.interval > 0.0
                    && self.last_flush.is_none_or(|t| t.elapsed().as_secs_f64() >= self.cfg.interval);
                if full || due {
                    self.flush(cx, e);
                }
            }
            Event::StreamEnd(_) => {
                if self.starts == self.ends && self.ends > 0 {
                    self.flush(cx, Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
                }
                if let Some(t) = self.timer.take() {
                    t.abort();
                }
                cx.output(e);
            }
        }
    }

    fn wake(&mut self, cx: &mut Cx<'_>, _: u32) {
        if self.ends > 0 && self.ends == self.starts && self.last_input.elapsed().as_secs_f64() >= self.cfg.timeout {
            self.flush(cx, Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
        }
    }
}

impl Drop for Pack {
    fn drop(&mut self) {
        if let Some(t) = self.timer.take() {
            t.abort();
        }
    }
}
