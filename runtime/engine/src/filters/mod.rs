//! The filters, and the one registry of them that the pipeline builder, `--list-filters`,
//! `--help-filters` and `pipy check` all read.
//!
//! A filter is a `FilterSpec` (name, parameters, one line of meaning, whether it takes a
//! sub-pipeline, and a `build` function turning the script's arguments into a `FilterFactory`).
//! Constant arguments are evaluated once, at build time; function arguments are kept and called
//! per stream, as the original does.

pub mod bgp;
pub mod branch;
pub mod chain;
pub mod compress;
pub mod connect;
pub mod decode_http;
pub mod deframe;
pub mod demux;
pub mod demux_fastcgi;
pub mod demux_http;
pub mod deposit_message;
pub mod detect_protocol;
pub mod dubbo;
pub mod dummy;
pub mod dump;
pub mod encode_http;
pub mod exec;
pub mod fork;
pub mod handle;
pub mod http_tunnel;
pub mod insert;
pub mod link;
pub mod link_async;
pub mod r#loop;
pub mod mqtt;
pub mod multipart;
pub mod mux;
pub mod mux_fastcgi;
pub mod mux_http;
pub mod mux_session;
pub mod netlink;
pub mod pack;
pub mod packet;
pub mod pipe;
pub mod print;
pub mod produce;
pub mod proxy_protocol;
pub mod read;
pub mod repeat;
pub mod replace;
pub mod replay;
pub mod resp;
pub mod serve_http;
pub mod socks;
pub mod split;
pub mod swap;
pub mod task;
pub mod tee;
pub mod thrift;
pub mod throttle;
pub mod tls;
pub mod tls_hello;
pub mod r#use;
pub mod wait;
pub mod websocket;

use crate::pipeline::data::Data;
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, Layout, Pipeline, SubSlot, SubTarget};
use pipy_value::{JsResult, Value, error, ops};
use std::rc::Rc;

/// Turns a filter call's arguments into the layout's filter.
pub type Build = fn(&BuildCx<'_>, &[Value]) -> JsResult<Rc<dyn FilterFactory>>;

pub struct FilterSpec {
    pub name: &'static str,
    /// The parameters as a user writes them, e.g. `(target, options?)`.
    pub params: &'static str,
    pub help: &'static str,
    /// Takes a sub-pipeline with `.to(...)`.
    pub joint: bool,
    /// The keys its options object may have (empty: it takes none). `pipy check` reads these;
    /// `build` rejects any other key at run time.
    pub options: &'static [&'static str],
    pub build: Build,
}

/// What a filter's `build` may use besides its arguments.
pub struct BuildCx<'a> {
    pub module: Rc<str>,
    /// Builds an anonymous layout from a `$=>$…` function or a pipeline template object.
    pub make_sub: &'a dyn Fn(&Value) -> JsResult<Rc<Layout>>,
}

impl BuildCx<'_> {
    /// A sub-pipeline argument: a name (resolved when first used), a builder function or a
    /// template.
    pub fn sub_target(&self, v: &Value) -> JsResult<SubTarget> {
        match v {
            Value::String(s) => Ok(SubTarget::Named { module: self.module.clone(), name: s.to_rust_string() }),
            _ => Ok(SubTarget::Layout((self.make_sub)(v)?)),
        }
    }

    pub fn sub_slot(&self, v: &Value) -> JsResult<SubSlot> {
        if v.is_nullish() { Ok(SubSlot::new(None)) } else { Ok(SubSlot::new(Some(self.sub_target(v)?))) }
    }
}

/// Every filter this runtime implements.
pub fn all() -> Vec<&'static FilterSpec> {
    let mut v: Vec<&'static FilterSpec> = Vec::new();
    v.extend(bgp::SPECS);
    v.extend(branch::SPECS);
    v.extend(chain::SPECS);
    v.extend(compress::SPECS);
    v.extend(connect::SPECS);
    v.extend(dump::SPECS);
    v.extend(print::SPECS);
    v.extend(fork::SPECS);
    v.extend(handle::SPECS);
    v.extend(decode_http::SPECS);
    v.extend(encode_http::SPECS);
    v.extend(serve_http::SPECS);
    v.extend(demux_http::SPECS);
    v.extend(http_tunnel::SPECS);
    v.extend(http_tunnel::CLIENT_SPECS);
    v.extend(socks::SPECS);
    v.extend(proxy_protocol::SPECS);
    v.extend(resp::SPECS);
    v.extend(tls_hello::SPECS);
    v.extend(multipart::SPECS);
    v.extend(mqtt::SPECS);
    v.extend(dubbo::SPECS);
    v.extend(swap::SPECS);
    v.extend(thrift::SPECS);
    v.extend(netlink::SPECS);
    v.extend(mux_http::SPECS);
    v.extend(demux_fastcgi::SPECS);
    v.extend(mux_fastcgi::SPECS);
    v.extend(link::SPECS);
    v.extend(link_async::SPECS);
    v.extend(produce::SPECS);
    v.extend(deposit_message::SPECS);
    v.extend(r#loop::SPECS);
    v.extend(dummy::SPECS);
    v.extend(pipe::SPECS);
    v.extend(repeat::SPECS);
    v.extend(replace::SPECS);
    v.extend(replay::SPECS);
    v.extend(r#use::SPECS);
    v.extend(wait::SPECS);
    v.extend(deframe::SPECS);
    v.extend(demux::SPECS);
    v.extend(detect_protocol::SPECS);
    v.extend(insert::SPECS);
    v.extend(mux::SPECS);
    v.extend(pack::SPECS);
    v.extend(read::SPECS);
    v.extend(split::SPECS);
    v.extend(tee::SPECS);
    v.extend(exec::SPECS);
    v.extend(throttle::SPECS);
    v.extend(tls::SPECS);
    v.extend(websocket::SPECS);
    v.sort_by_key(|s| s.name);
    v
}

pub fn find(name: &str) -> Option<&'static FilterSpec> {
    all().into_iter().find(|s| s.name == name)
}

/// Makes a filter instance from its layout's configuration (and sub-pipeline slot).
pub type MakeFilter<C> = fn(&Rc<C>, Option<&Rc<SubSlot>>) -> Box<dyn Filter>;

/// A factory from a shared configuration and a constructor of instances.
pub struct Factory<C: 'static> {
    name: &'static str,
    config: Rc<C>,
    sub: Option<Rc<SubSlot>>,
    make: MakeFilter<C>,
}

impl<C: 'static> FilterFactory for Factory<C> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn create(&self) -> Box<dyn Filter> {
        (self.make)(&self.config, self.sub.as_ref())
    }
    fn sub_slot(&self) -> Option<&SubSlot> {
        self.sub.as_deref()
    }
}

pub fn factory<C: 'static>(name: &'static str, config: C, make: MakeFilter<C>) -> Rc<dyn FilterFactory> {
    Rc::new(Factory { name, config: Rc::new(config), sub: None, make })
}

pub fn joint_factory<C: 'static>(
    name: &'static str,
    config: C,
    sub: SubSlot,
    make: MakeFilter<C>,
) -> Rc<dyn FilterFactory> {
    Rc::new(Factory { name, config: Rc::new(config), sub: Some(Rc::new(sub)), make })
}

/// The layout a joint filter's `.to(...)` names, or `None` after throwing why there is none.
pub fn sub_layout(cx: &mut Cx<'_>, slot: Option<&Rc<SubSlot>>, filter: &str) -> Option<Rc<Layout>> {
    match slot.map(|s| s.layout()) {
        Some(Ok(l)) => Some(l),
        Some(Err(e)) => {
            cx.throw(e);
            None
        }
        None => {
            cx.throw(error::type_error(&format!("{filter}(): missing .to(...)")));
            None
        }
    }
}

/// Input a tunnel filter holds while its handshake runs: the bytes and the end, given to the
/// tunnel in one go once it is open.
#[derive(Default)]
pub struct HeldInput {
    data: Data,
    end: Option<Event>,
}

impl HeldInput {
    /// Keeps `e` (Data and StreamEnd; messages mean nothing to a byte stream).
    pub fn hold(&mut self, e: Event) {
        match e {
            Event::Data(d) => self.data.push_data(d),
            Event::StreamEnd(_) => self.end = Some(e),
            Event::MessageStart(_) | Event::MessageEnd { .. } => {}
        }
    }
    /// Sends what is held into `p` (the tunnel, once it is open).
    pub fn release_into(&mut self, p: Option<&Rc<Pipeline>>) {
        let Some(p) = p else { return };
        let mut evs = Vec::new();
        if !self.data.is_empty() {
            evs.push(Event::Data(std::mem::take(&mut self.data)));
        }
        evs.extend(self.end.take());
        if !evs.is_empty() {
            p.input_all(evs);
        }
    }
}

// ---- argument helpers ----

pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

/// An option of an options object (undefined when absent or when `options` is not an object).
pub fn option(options: &Value, key: &str) -> JsResult<Value> {
    match options {
        Value::Object(_) => ops::get_str(options, key),
        _ => Ok(Value::Undefined),
    }
}

/// Rejects option keys a filter does not know (a typo would otherwise be silently ignored).
pub fn check_options(filter: &str, options: &Value, known: &[&str]) -> JsResult<()> {
    if let Value::Object(o) = options {
        for k in ops::own_enumerable_keys(o) {
            let k = k.to_rust_string();
            if !known.contains(&k.as_str()) {
                return Err(error::type_error(&format!(
                    "{filter}(): unknown option '{k}' (known: {})",
                    known.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// A duration: a number of seconds, or a string with a unit (`'5s'`, `'100ms'`, `'2m'`, `'1h'`,
/// `'1d'`). Unlike the original, `ms` means milliseconds.
pub fn parse_duration(v: &Value) -> JsResult<Option<f64>> {
    match v {
        Value::Undefined | Value::Null => Ok(None),
        Value::Number(n) => Ok(Some(*n)),
        Value::String(s) => {
            let s = s.to_rust_string();
            duration_str(&s).map(Some).ok_or_else(|| error::type_error(&format!("invalid duration '{s}'")))
        }
        _ => Err(error::type_error(&format!("invalid duration {}", ops::describe(v)))),
    }
}

pub fn duration_str(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let scale = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return None,
    };
    Some(n * scale)
}

/// A size: bytes, or a string with `k`, `m`, `g` (powers of 1024).
pub fn parse_size(v: &Value) -> JsResult<Option<usize>> {
    match v {
        Value::Undefined | Value::Null => Ok(None),
        Value::Number(n) if *n >= 0.0 => Ok(Some(*n as usize)),
        Value::String(s) => {
            let s = s.to_rust_string();
            let t = s.trim().to_ascii_lowercase();
            let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
            let (num, unit) = t.split_at(split);
            let n: f64 = num.parse().map_err(|_| error::type_error(&format!("invalid size '{s}'")))?;
            let scale = match unit.trim().trim_end_matches('b') {
                "" => 1.0,
                "k" => 1024.0,
                "m" => 1024.0 * 1024.0,
                "g" => 1024.0 * 1024.0 * 1024.0,
                "t" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
                _ => return Err(error::type_error(&format!("invalid size '{s}'"))),
            };
            Ok(Some((n * scale) as usize))
        }
        _ => Err(error::type_error(&format!("invalid size {}", ops::describe(v)))),
    }
}

/// Option `key` of `who`'s options as a size (`parse_size`), refused with an error naming both.
pub fn size_option(who: &str, opts: &Value, key: &str) -> JsResult<Option<usize>> {
    let v = option(opts, key)?;
    parse_size(&v).map_err(|_| {
        error::type_error(&format!(
            "{who}(): option '{key}' expects a size in bytes (a number, or a string such as '64k'), got {}",
            ops::describe(&v)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_str("5s"), Some(5.0));
        assert_eq!(duration_str("100ms"), Some(0.1));
        assert_eq!(duration_str("2m"), Some(120.0));
        assert_eq!(duration_str("1.5"), Some(1.5));
        assert_eq!(duration_str("x"), None);
    }

    #[test]
    fn sizes_are_bytes_or_binary_units() {
        let size = |s: &str| parse_size(&Value::string(s.to_string())).ok().flatten();
        assert_eq!(size("64k"), Some(65536));
        assert_eq!(size("64K"), Some(65536));
        assert_eq!(size("1.5m"), Some(3 << 19));
        assert_eq!(size("2g"), Some(2 << 30));
        assert_eq!(size("1t"), Some(1 << 40));
        assert_eq!(size("100"), Some(100));
        assert_eq!(size("lots"), None);
        assert_eq!(parse_size(&Value::num(65536.0)).ok().flatten(), Some(65536));
        assert!(parse_size(&Value::num(-1.0)).is_err());
        assert!(parse_size(&Value::Bool(true)).is_err());
    }

    #[test]
    fn registry_names_are_unique() {
        let names: Vec<_> = all().iter().map(|s| s.name).collect();
        let mut dedup = names.clone();
        dedup.dedup();
        assert_eq!(names, dedup);
    }
}

#[cfg(test)]
mod file_names {
    /// A filter is found by its name: it is defined in a file whose name's words all appear in
    /// the filter's (`serveHTTP` in `serve_http.rs`, `decodeMQTT` in `mqtt.rs`, `handleMessage`
    /// in the `handle.rs` family).
    #[test]
    fn every_filter_lives_in_a_file_named_for_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/filters");
        let files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("the filters folder")
            .flatten()
            .filter_map(|e| {
                let stem = e.path().file_stem()?.to_str()?.to_string();
                Some((stem, std::fs::read_to_string(e.path()).ok()?))
            })
            .collect();
        let mut lost = Vec::new();
        for spec in super::all() {
            let quoted = format!("\"{}\"", spec.name);
            let homes: Vec<&String> = files
                .iter()
                .filter(|(_, text)| text.contains(&quoted) && text.contains("SPECS"))
                .map(|(s, _)| s)
                .collect();
            let name = spec.name.to_lowercase();
            if !homes.iter().any(|stem| stem.split('_').all(|word| name.contains(word))) {
                lost.push(format!("{} (defined in {homes:?})", spec.name));
            }
        }
        assert!(lost.is_empty(), "filters not in a file named for them: {}", lost.join(", "));
    }
}
