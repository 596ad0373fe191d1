//! The Pipy API: `pipy()` and the `pipy` namespace, the 1.x `pipeline()` templates, and the
//! event classes. Filters themselves live in `pipy_engine::filters`; this module only turns
//! script calls into layouts.

pub mod builder;
pub mod codebase;
pub mod control_flow;
pub mod data;
pub mod message;
pub mod timeout;

use crate::util::{self, arg};
use builder::{Template, layout_from, new_builder};
use pipy_engine::net;
use pipy_engine::pipeline::event::{self, Event};
use pipy_engine::pipeline::layout::{self, Layout};
use pipy_engine::pipeline::{Output, Pipeline, context};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, function, ops, realm};
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static ARGV: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static THREAD: RefCell<(usize, usize)> = const { RefCell::new((0, 1)) };
    static EXIT_CODE: RefCell<Option<i32>> = const { RefCell::new(None) };
}

/// Arguments after `--` on the command line (`pipy.argv`).
pub fn set_argv(args: Vec<String>) {
    ARGV.with(|a| *a.borrow_mut() = args);
}

/// This worker's index and the number of workers (`pipy.thread`).
pub fn set_thread(id: usize, concurrency: usize) {
    THREAD.with(|t| *t.borrow_mut() = (id, concurrency));
}

/// What `pipy.name`, `pipy.uuid`, `pipy.source`, `pipy.since` and `pipy.version` tell: this
/// process, as the command line set it up.
#[derive(Clone, Debug, Default)]
pub struct Instance {
    pub name: String,
    pub uuid: String,
    /// The main script or the repo URL the codebase came from.
    pub source: String,
    /// When the process started (ms since the epoch).
    pub since: f64,
    /// (tag, commit, date) of this build.
    pub version: (String, String, String),
}

static INSTANCE: std::sync::Mutex<Option<Instance>> = std::sync::Mutex::new(None);
static RESTART: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();
static STOP: std::sync::OnceLock<fn(i32)> = std::sync::OnceLock::new();

thread_local! {
    /// `pipy.exit(callback)` callbacks of this worker, run once when it starts to stop.
    static EXIT_CALLBACKS: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
}

/// What `pipy.exit(code)` calls: stop every worker gracefully and end with `code`.
pub fn set_stop_hook(f: fn(i32)) {
    let _ = STOP.set(f);
}

/// Runs the exit callbacks (a shutdown hook); the stop waits for the promises they return.
fn run_exit_callbacks() {
    for cb in EXIT_CALLBACKS.with(|c| std::mem::take(&mut *c.borrow_mut())) {
        match function::call(&cb, &Value::Undefined, &[]) {
            Ok(v) if crate::promise::is_promise(&v) => {
                // The worker counts the promise as work in flight until it settles.
                let guard = Rc::new(RefCell::new(Some(net::active())));
                let (g1, g2) = (guard.clone(), guard);
                let done = move |g: &Rc<RefCell<Option<net::ActiveGuard>>>| {
                    g.borrow_mut().take();
                };
                let on_ok = function::native_function(
                    "",
                    1,
                    Rc::new(move |_, _, _| {
                        done(&g1);
                        Ok(Value::Undefined)
                    }),
                    false,
                );
                let on_err = function::native_function(
                    "",
                    1,
                    Rc::new(move |_, _, _| {
                        done(&g2);
                        Ok(Value::Undefined)
                    }),
                    false,
                );
                if let Ok(then) = ops::get_str(&v, "then") {
                    let _ = function::call(&then, &v, &[Value::Object(on_ok), Value::Object(on_err)]);
                }
            }
            Ok(_) => {}
            Err(e) => pipy_engine::log::script_error(&e, "pipy.exit() callback"),
        }
    }
}

/// Sets what scripts see of this process (once, before workers start).
pub fn set_instance(i: Instance) {
    *INSTANCE.lock().unwrap_or_else(|e| e.into_inner()) = Some(i);
}

fn instance() -> Instance {
    INSTANCE.lock().unwrap_or_else(|e| e.into_inner()).clone().unwrap_or_else(|| Instance {
        version: (env!("CARGO_PKG_VERSION").to_string(), String::new(), String::new()),
        ..Instance::default()
    })
}

/// What `pipy.restart()` calls: reload every worker of the running program.
pub fn set_restart_hook(f: fn()) {
    let _ = RESTART.set(f);
}

/// A command line split into arguments: spaces separate them, single and double quotes group
/// (and are removed), a backslash takes the next character as it is.
fn split_argv(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut started = false;
    let mut quote: Option<char> = None;
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') | (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                started = true;
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            (None, c) => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(cur);
    }
    out
}

/// `pipy.exec(command | argv, { env, stdin, stderr, onExit })`: runs a program to its end (the
/// worker waits) and returns what it wrote to its standard output, as Data. `env` replaces the
/// environment; `stdin` (Data or a string) is written to its input; unless `stderr: true` (then
/// it goes to pipy's own), its standard error is collected and `onExit(code, stderr)` gets it.
fn exec(args: &[Value]) -> JsResult<Value> {
    let argv: Vec<String> = match arg(args, 0) {
        v @ Value::String(_) => split_argv(&ops::to_rust_string(&v)?),
        Value::Object(o) if o.is_array() => {
            o.array_elements().unwrap_or_default().iter().map(ops::to_rust_string).collect::<JsResult<_>>()?
        }
        _ => return Err(error::type_error("pipy.exec(): expected a command line or an array of arguments")),
    };
    let Some((program, rest)) = argv.split_first() else { return Err(error::type_error("exec() with no arguments")) };
    let options = arg(args, 1);
    pipy_engine::filters::check_options("pipy.exec", &options, &["env", "stdin", "stderr", "onExit"])?;
    let get = |k: &str| -> JsResult<Value> {
        if options.is_object() { ops::get_str(&options, k) } else { Ok(Value::Undefined) }
    };
    let mut cmd = std::process::Command::new(program);
    cmd.args(rest);
    if let Value::Object(env) = get("env")? {
        cmd.env_clear();
        for k in ops::own_enumerable_keys(&env) {
            let v = ops::get(&Value::Object(env.clone()), &pipy_value::PropKey::from(k.clone()))?;
            cmd.env(k.to_rust_string(), ops::to_rust_string(&v)?);
        }
    }
    let input = match get("stdin")? {
        v if v.is_nullish() => None,
        v => Some(match event::as_data(&v) {
            Some(d) => d.to_vec(),
            None => ops::to_rust_string(&v)?.into_bytes(),
        }),
    };
    let own_stderr = get("stderr")?.truthy();
    cmd.stdin(if input.is_some() { std::process::Stdio::piped() } else { std::process::Stdio::null() });
    cmd.stdout(std::process::Stdio::piped());
    cmd.stderr(if own_stderr { std::process::Stdio::inherit() } else { std::process::Stdio::piped() });
    let mut child = cmd.spawn().map_err(|e| error::type_error(&format!("pipy.exec(): cannot run '{program}': {e}")))?;
    // Input is written from a thread of its own, so a program that answers before it has read
    // everything cannot stall it.
    let feeder = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => Some(std::thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut stdin, &bytes);
        })),
        _ => None,
    };
    let out = child.wait_with_output().map_err(|e| error::type_error(&format!("pipy.exec(): '{program}': {e}")))?;
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let on_exit = get("onExit")?;
    if on_exit.is_callable() {
        let code = Value::num(out.status.code().unwrap_or(-1) as f64);
        let mut cb_args = vec![code];
        if !own_stderr {
            cb_args.push(event::data_value(out.stderr.into()));
        }
        function::call(&on_exit, &Value::Undefined, &cb_args)?;
    }
    Ok(event::data_value(out.stdout.into()))
}

/// The exit code a script asked for with `pipy.exit(code)`.
pub fn requested_exit() -> Option<i32> {
    EXIT_CODE.with(|e| *e.borrow())
}

/// `pipy(contextVariables?)`: a Configuration for the module whose top level is running.
fn pipy_fn(_: &Value, args: &[Value], _: Option<&Obj>) -> JsResult<Value> {
    let module = layout::current_module();
    let vars = arg(args, 0);
    if let Value::Object(o) = &vars {
        for k in ops::own_enumerable_keys(o) {
            let v = ops::get(&vars, &pipy_value::PropKey::from(k.clone()))?;
            context::declare(&module, &k.to_rust_string(), v);
        }
    }
    Ok(new_builder(module, None))
}

fn template_proto() -> Obj {
    match realm::registered("PipelineTemplate.prototype") {
        Some(Value::Object(o)) => o,
        _ => realm::intrinsics().object_prototype.clone(),
    }
}

/// `pipeline($=>$…)`: a template.
fn pipeline_fn(_: &Value, args: &[Value]) -> JsResult<Value> {
    let module = layout::current_module();
    let l = layout_from(&module, &arg(args, 0), "Pipeline")?;
    Ok(template_value(l))
}

fn template_value(l: Rc<Layout>) -> Value {
    Value::Object(Obj::new(Some(template_proto()), ObjectKind::Host(Box::new(Template(l)))))
}

fn template_of(this: &Value) -> JsResult<Rc<Layout>> {
    match this {
        Value::Object(o) => o.with_host(|t: &mut Template| t.0.clone()),
        _ => None,
    }
    .ok_or_else(|| error::type_error("not a pipeline template"))
}

/// Runs a layout once with `events` as input; the promise settles with the last output event
/// when the pipeline's stream ends.
fn run_with(layout: &Rc<Layout>, start_args: &[Value], events: Vec<Event>) -> JsResult<Value> {
    let (promise, resolve, _reject) = crate::promise::new_promise();
    let last: Rc<RefCell<Value>> = Rc::new(RefCell::new(Value::Undefined));
    let resolve = RefCell::new(Some(resolve));
    let guard = RefCell::new(Some(net::active()));
    let l2 = last.clone();
    let p = Pipeline::new(
        layout,
        context::new_root_copy(),
        Output::Func(Box::new(move |e| {
            let end = e.is_stream_end();
            *l2.borrow_mut() = event::to_value(&e);
            if end {
                if let Some(r) = resolve.borrow_mut().take() {
                    let v = l2.borrow().clone();
                    let _ = function::call(&r, &Value::Undefined, &[v]);
                }
                guard.borrow_mut().take();
                // Let go of the ended instance once this dispatch is over (its onEnd runs then).
                realm::enqueue_microtask(Box::new(|| HOLD.with(|h| h.borrow_mut().retain(|p| !p.ended()))));
            }
        })),
    );
    p.start(start_args);
    p.input_all(events);
    if !p.ended() {
        HOLD.with(|h| h.borrow_mut().push(p));
    }
    HOLD.with(|h| h.borrow_mut().retain(|p| !p.ended()));
    Ok(Value::Object(promise))
}

thread_local! {
    static HOLD: RefCell<Vec<Rc<Pipeline>>> = const { RefCell::new(Vec::new()) };
}

fn read_input(path: &str) -> JsResult<Vec<u8>> {
    if path == "-" {
        use std::io::Read;
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).map_err(|e| error::type_error(&format!("cannot read stdin: {e}")))?;
        return Ok(v);
    }
    let full = resolve_path(path);
    std::fs::read(&full).map_err(|e| error::type_error(&format!("cannot read '{path}': {e}")))
}

thread_local! {
    static ROOT: RefCell<std::path::PathBuf> = RefCell::new(std::path::PathBuf::from("."));
}

/// Where relative codebase paths (`pipy.load`, `use`, `pipy.read`) start: the main script's folder.
pub fn set_codebase_root(p: &std::path::Path) {
    ROOT.with(|r| *r.borrow_mut() = p.to_path_buf());
}

pub fn resolve_path(p: &str) -> std::path::PathBuf {
    let rel = p.trim_start_matches('/');
    ROOT.with(|r| r.borrow().join(rel))
}

pub fn install() {
    let data_proto = data::install();
    message::install(data_proto);
    builder::install();
    timeout::install();

    let tproto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    tproto.mark_prototype();
    util::method(&tproto, "spawn", 0, |this, args| {
        let l = template_of(this)?;
        run_with(&l, args, Vec::new())
    });
    util::method(&tproto, "process", 1, |this, args| {
        let l = template_of(this)?;
        let evs = event::events_of(&arg(args, 0))?;
        let mut evs = evs;
        if !evs.last().is_some_and(|e| e.is_stream_end()) {
            evs.push(Event::end());
        }
        run_with(&l, &[], evs)
    });
    realm::register("PipelineTemplate.prototype", Value::Object(tproto));
    let pipeline = function::native("pipeline", 1, pipeline_fn);
    // `new pipeline.Hub()`: what `swap(hub)` filters join.
    let hub_proto = util::class_prototype();
    util::namespace_class(&pipeline, "Hub", 0, &hub_proto, |proto, _| {
        let host = pipy_engine::filters::swap::HubHost::default();
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(host)))))
    });
    util::global("pipeline", Value::Object(pipeline));

    let pipy = function::native_function("pipy", 1, Rc::new(pipy_fn), false);
    util::method(&pipy, "listen", 2, |_, args| {
        // pipy.listen(port, [protocol], [options], builder | template)
        let Some(last) = args.last() else { return Err(error::type_error("pipy.listen(): missing arguments")) };
        let module = layout::current_module();
        let mut options = Value::Undefined;
        let mut protocol = Value::Undefined;
        for a in args.iter().skip(1).take(args.len().saturating_sub(2)) {
            match a {
                Value::String(_) => protocol = a.clone(),
                Value::Object(_) => options = a.clone(),
                _ => {}
            }
        }
        let mut o = builder::listen_options(&options)?;
        if let Value::String(p) = &protocol {
            o.protocol = if p.to_rust_string() == "udp" { net::Protocol::Udp } else { net::Protocol::Tcp };
        }
        let l = layout_from(&module, last, "Listen")?;
        builder::add_listener(&arg(args, 0), o, l)?;
        Ok(Value::Undefined)
    });
    util::method(&pipy, "read", 2, |_, args| {
        let module = layout::current_module();
        let path = ops::to_rust_string(&arg(args, 0))?;
        let l = layout_from(&module, &arg(args, 1), &format!("Read {path}"))?;
        let bytes = read_input(&path)?;
        let mut evs = Vec::new();
        if !bytes.is_empty() {
            evs.push(Event::Data(bytes.into()));
        }
        evs.push(Event::end());
        let start: Vec<Value> = args.get(2).cloned().into_iter().collect();
        run_with(&l, &start, evs)
    });
    util::method(&pipy, "load", 1, |_, args| {
        let path = ops::to_rust_string(&arg(args, 0))?;
        match codebase::read(&path) {
            Some(b) => Ok(event::data_value(b.into())),
            None => Ok(Value::Null),
        }
    });
    util::method(&pipy, "solve", 1, |_, args| {
        let path = ops::to_rust_string(&arg(args, 0))?;
        Ok(layout::load_script(&path)?.1)
    });
    // `pipy.exit(code)`: a graceful stop of every worker (listeners close, streams in flight
    // finish, exit callbacks run), then the process ends with `code`. `pipy.exit(callback)`:
    // run `callback` when the process starts to stop; a promise it returns is waited for.
    util::method(&pipy, "exit", 1, |_, args| {
        let a = arg(args, 0);
        if a.is_callable() {
            EXIT_CALLBACKS.with(|c| c.borrow_mut().push(a));
            net::on_shutdown(run_exit_callbacks);
            return Ok(Value::Undefined);
        }
        let code = match a {
            Value::Number(n) => n as i32,
            Value::Undefined => 0,
            _ => return Err(error::type_error("pipy.exit(): expected an exit code or a function")),
        };
        EXIT_CODE.with(|e| *e.borrow_mut() = Some(code));
        match STOP.get() {
            Some(stop) => stop(code),
            None => std::process::exit(code),
        }
        Ok(Value::Undefined)
    });
    util::method(&pipy, "now", 0, |_, _| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Ok(Value::num(t.as_secs_f64() * 1000.0))
    });
    util::getter(&pipy, "argv", |_, _| {
        Ok(ops::new_array(ARGV.with(|a| a.borrow().iter().map(|s| Value::str(s)).collect())))
    });
    util::getter(&pipy, "thread", |_, _| {
        let (id, n) = THREAD.with(|t| *t.borrow());
        let o = Obj::ordinary();
        o.define_value("id", Value::num(id as f64), pipy_value::attr::DEFAULT);
        o.define_value("concurrency", Value::num(n as f64), pipy_value::attr::DEFAULT);
        Ok(Value::Object(o))
    });
    let origin = std::time::Instant::now();
    let origin_ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs_f64() * 1000.0;
    util::getter(&pipy, "version", |_, _| {
        let (tag, commit, date) = instance().version;
        let o = Obj::ordinary();
        o.define_value("tag", Value::string(tag), pipy_value::attr::DEFAULT);
        o.define_value("commit", Value::string(commit), pipy_value::attr::DEFAULT);
        o.define_value("date", Value::string(date), pipy_value::attr::DEFAULT);
        Ok(Value::Object(o))
    });
    util::getter(&pipy, "since", |_, _| Ok(Value::num(instance().since)));
    util::getter(&pipy, "source", |_, _| Ok(Value::string(instance().source)));
    util::getter(&pipy, "name", |_, _| Ok(Value::string(instance().name)));
    util::getter(&pipy, "uuid", |_, _| Ok(Value::string(instance().uuid)));
    // `pipy.inbound.count`, `pipy.outbound.count`: this worker's open connections.
    let inbound = Obj::ordinary();
    util::getter(&inbound, "count", |_, _| Ok(Value::num(net::inbound::inbound_count() as f64)));
    pipy.define_value("inbound", Value::Object(inbound), pipy_value::attr::DEFAULT);
    let outbound = Obj::ordinary();
    util::getter(&outbound, "count", |_, _| Ok(Value::num(net::outbound::outbound_count() as f64)));
    pipy.define_value("outbound", Value::Object(outbound), pipy_value::attr::DEFAULT);
    // `pipy.performance`: `timeOrigin` (ms since the epoch when this worker loaded) and `now()`
    // (ms since then, monotonic, fractional).
    let performance = Obj::ordinary();
    performance.define_value("timeOrigin", Value::num(origin_ms), pipy_value::attr::DEFAULT);
    let now = move |_: &Value, _: &[Value], _: Option<&Obj>| -> JsResult<Value> {
        Ok(Value::num(origin.elapsed().as_secs_f64() * 1000.0))
    };
    let now = function::native_function("now", 0, Rc::new(now), false);
    performance.define_value("now", Value::Object(now), pipy_value::attr::DEFAULT);
    pipy.define_value("performance", Value::Object(performance), pipy_value::attr::DEFAULT);
    util::method(&pipy, "list", 1, |_, args| {
        let dir = ops::to_rust_string(&arg(args, 0))?;
        Ok(ops::new_array(codebase::list_all(&dir).into_iter().map(Value::string).collect()))
    });
    util::method(&pipy, "exec", 2, |_, args| exec(args));
    // `pipy.import(path)`: a module's exports, loaded once per worker like an `import`
    // (`./` and `/` paths are taken from the codebase's root).
    util::method(&pipy, "import", 1, |_, args| {
        let spec = ops::to_rust_string(&arg(args, 0))?;
        let referrer = ROOT.with(|r| r.borrow().join("main.js")).display().to_string();
        match realm::load_module(&spec, &referrer) {
            Some(r) => r,
            None => Err(error::type_error(&format!("cannot import module: {spec}"))),
        }
    });
    util::method(&pipy, "restart", 0, |_, _| {
        match RESTART.get() {
            Some(f) => f(),
            None => return Err(error::type_error("pipy.restart(): no running program to restart")),
        }
        Ok(Value::Undefined)
    });
    pipy.define_value("pid", Value::num(f64::from(std::process::id())), pipy_value::attr::DEFAULT);
    install_codebase_api(&pipy);
    util::global("pipy", Value::Object(pipy));
    install_json_data();
}

/// `JSON.decode(data, reviver?)` and `JSON.encode(value, replacer?, space?)`: JSON to and from
/// Data (UTF-8 bytes) rather than strings.
fn install_json_data() {
    let json = ops::get_str(&Value::Object(realm::intrinsics().global.clone()), "JSON");
    let Ok(Value::Object(json)) = json else { return };
    util::method(&json, "decode", 2, |_, args| {
        let text = match event::as_data(&arg(args, 0)) {
            Some(d) => Value::string(d.to_string_lossy()),
            None => return Err(error::type_error("JSON.decode(): the argument must be Data")),
        };
        let parse = ops::get_str(&Value::Object(realm::intrinsics().global.clone()), "JSON")
            .and_then(|j| ops::get_str(&j, "parse"))?;
        let mut call_args = vec![text];
        call_args.extend(args.get(1).cloned());
        function::call(&parse, &Value::Undefined, &call_args)
    });
    util::method(&json, "encode", 3, |_, args| {
        let stringify = ops::get_str(&Value::Object(realm::intrinsics().global.clone()), "JSON")
            .and_then(|j| ops::get_str(&j, "stringify"))?;
        match function::call(&stringify, &Value::Undefined, args)? {
            Value::String(s) => Ok(event::data_value(s.to_rust_string().as_bytes().into())),
            _ => Ok(event::data_value(Default::default())),
        }
    });
}

/// Argument `i` as a string, with the original's messages when it is missing or is not one.
fn string_arg(args: &[Value], i: usize, required: usize) -> JsResult<String> {
    if args.len() < required {
        return Err(plain_error(&format!("requires {required} or more arguments")));
    }
    match arg(args, i) {
        v @ Value::String(_) => ops::to_rust_string(&v),
        _ => Err(plain_error(&format!("argument #{} expects a string", i + 1))),
    }
}

/// An `Error` (not a TypeError): what the original throws from its API.
fn plain_error(msg: &str) -> Value {
    error::make_error(error::ErrorKind::Error, msg)
}

/// How often `pipy.watch` looks at the files it watches.
const WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

/// `pipy.watch(path)`: a promise resolved, with the codebase paths that changed, when the file
/// `path` (or, with a trailing slash, any file under the folder `path`) changes. Until then it
/// keeps the worker alive; a graceful stop ends the watch (the promise stays pending).
fn watch(path: &str) -> Value {
    let (promise, resolve, _reject) = crate::promise::new_promise();
    let mut w = codebase::Watch::new(path);
    let guard = net::active();
    net::spawn_local(async move {
        let _guard = guard;
        let stopping = net::stopping();
        loop {
            if net::shutting_down() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(WATCH_INTERVAL) => {}
                _ = stopping.notified() => return,
            }
            let changed = w.changes();
            if !changed.is_empty() {
                let list = ops::new_array(changed.into_iter().map(Value::string).collect());
                if let Err(e) = function::call(&resolve, &Value::Undefined, &[list]) {
                    pipy_engine::log::script_error(&e, "pipy.watch()");
                }
                pipy_engine::memory::run_microtasks();
                return;
            }
        }
    });
    Value::Object(promise)
}

/// Calls `cb` with each object of `objects` in turn, stopping at the first exception.
fn for_each(cb: &Value, objects: Vec<Value>) -> JsResult<Value> {
    if !cb.is_callable() {
        return Err(plain_error("argument #1 expects a function"));
    }
    for o in objects {
        function::call(cb, &Value::Undefined, &[o])?;
    }
    Ok(Value::Undefined)
}

/// `pipy.mount`, `pipy.unmount`, `pipy.patch`, `pipy.watch`, `pipy.fork`, and `forEach` on
/// `pipy.inbound`/`pipy.outbound`.
fn install_codebase_api(pipy: &Obj) {
    util::method(pipy, "mount", 2, |_, args| {
        let name = string_arg(args, 0, 2)?;
        let dir = string_arg(args, 1, 2)?;
        codebase::mount(&name, &dir).map_err(|e| plain_error(&e))?;
        Ok(Value::Undefined)
    });
    util::method(pipy, "unmount", 1, |_, args| {
        let name = string_arg(args, 0, 1)?;
        codebase::unmount(&name).map_err(|e| plain_error(&e))?;
        Ok(Value::Undefined)
    });
    util::method(pipy, "patch", 2, |_, args| {
        let path = string_arg(args, 0, 1)?;
        let content = arg(args, 1);
        let bytes = match (&content, event::as_data(&content)) {
            (_, Some(d)) => d.to_vec(),
            (Value::String(_), None) => ops::to_rust_string(&content)?.into_bytes(),
            _ => return Err(plain_error("argument #2 expects a string or a Data")),
        };
        codebase::patch(&path, bytes);
        Ok(Value::Undefined)
    });
    util::method(pipy, "watch", 1, |_, args| {
        let path = string_arg(args, 0, 1)?;
        Ok(watch(&path))
    });
    // `pipy.fork(f)`: calls `f` in a copy of the current context: it sees the context
    // variables as they are, and what it sets stays in the copy.
    util::method(pipy, "fork", 1, |_, args| {
        if args.is_empty() {
            return Err(plain_error("requires 1 or more arguments"));
        }
        let f = arg(args, 0);
        if !f.is_callable() {
            return Err(plain_error("argument #1 expects a function"));
        }
        let ctx = context::current().fork();
        context::with(&ctx, || function::call(&f, &Value::Undefined, &[]))
    });
    for (name, each) in [
        ("inbound", net::inbound::live_inbound_objects as fn() -> Vec<Value>),
        ("outbound", net::outbound::live_outbound_objects),
    ] {
        let Ok(Value::Object(o)) = ops::get_str(&Value::Object(pipy.clone()), name) else { continue };
        let f = move |_: &Value, args: &[Value], _: Option<&Obj>| -> JsResult<Value> {
            if args.is_empty() {
                return Err(plain_error("requires 1 or more arguments"));
            }
            for_each(&arg(args, 0), each())
        };
        let f = function::native_function("forEach", 1, Rc::new(f), false);
        o.define_hidden("forEach", Value::Object(f));
    }
}
