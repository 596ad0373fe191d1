//! The pipeline builder: the object `pipy()` returns (the original's 0.x `Configuration`) and the
//! `$` that `$=>$…` builder functions receive. One class serves both: configuration methods
//! (`listen`, `pipeline`, `task`, `exit`, `import`, `export`, `repeat`) start layouts, and every
//! filter of the runtime's registry appends to the current layout. `.to(…)` gives the last joint
//! filter its sub-pipeline.

use crate::util::{self, arg};
use pipy_engine::filters::{self, BuildCx, FilterSpec};
use pipy_engine::net::{self, ListenOptions, ListenSpec, Protocol, TaskKind, TaskSpec};
use pipy_engine::pipeline::context;
use pipy_engine::pipeline::layout::{self, Layout, SubTarget};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, function, ops, realm};
use std::net::{IpAddr, SocketAddr};
use std::rc::Rc;
use std::time::Duration;

/// The state of a builder object.
pub struct Builder {
    pub module: Rc<str>,
    pub current: Option<Rc<Layout>>,
}

/// A pipeline template (`pipeline($=>$…)` in the 1.x API); defined by the runtime so filters
/// can recognise templates they get at run time (`pipe(() => template)`).
pub use pipy_engine::pipeline::layout::Template;

fn builder_proto() -> Obj {
    match realm::registered("PipelineBuilder.prototype") {
        Some(Value::Object(o)) => o,
        _ => realm::intrinsics().object_prototype.clone(),
    }
}

pub fn new_builder(module: Rc<str>, current: Option<Rc<Layout>>) -> Value {
    Value::Object(Obj::new(Some(builder_proto()), ObjectKind::Host(Box::new(Builder { module, current }))))
}

fn state(this: &Value) -> JsResult<(Obj, Rc<str>, Option<Rc<Layout>>)> {
    if let Value::Object(o) = this {
        if let Some((m, c)) = o.with_host(|b: &mut Builder| (b.module.clone(), b.current.clone())) {
            return Ok((o.clone(), m, c));
        }
    }
    Err(error::type_error("not a pipeline builder"))
}

fn set_current(o: &Obj, l: Rc<Layout>) {
    o.with_host(|b: &mut Builder| b.current = Some(l));
}

fn current(this: &Value, what: &str) -> JsResult<(Rc<str>, Rc<Layout>)> {
    let (_, m, c) = state(this)?;
    match c {
        Some(l) => Ok((m, l)),
        None => Err(error::type_error(&format!(
            "{what}: no pipeline to add to (start one with listen(), pipeline() or task() first)"
        ))),
    }
}

/// A layout from a `$=>$…` function (called with a fresh builder) or a template.
pub fn layout_from(module: &Rc<str>, v: &Value, name: &str) -> JsResult<Rc<Layout>> {
    if let Value::Object(o) = v {
        if let Some(l) = o.with_host(|t: &mut Template| t.0.clone()) {
            return Ok(l);
        }
    }
    if !v.is_callable() {
        return Err(error::type_error(&format!(
            "expected a pipeline builder function ($=>$...) or a pipeline template, got {}",
            ops::describe(v)
        )));
    }
    let layout = Layout::new(module, name);
    let b = new_builder(module.clone(), Some(layout.clone()));
    function::call(v, &Value::Undefined, &[b])?;
    Ok(layout)
}

fn filter_method(spec: &'static FilterSpec) -> Obj {
    function::native_function(
        spec.name,
        0,
        Rc::new(move |this, args, _| {
            let (module, layout) = current(this, &format!("{}()", spec.name))?;
            let m2 = module.clone();
            let make_sub = move |v: &Value| layout_from(&m2, v, "(anonymous)");
            let cx = BuildCx { module, make_sub: &make_sub };
            let f = (spec.build)(&cx, args)?;
            layout.append(f);
            Ok(this.clone())
        }),
        false,
    )
}

/// `'ip:port'`, a port number, or `null` (skip).
fn listen_addr(v: &Value) -> JsResult<Option<SocketAddr>> {
    match v {
        Value::Undefined | Value::Null => Ok(None),
        Value::Number(n) if *n >= 0.0 && *n < 65536.0 => {
            Ok(Some(SocketAddr::new(IpAddr::from([0, 0, 0, 0]), *n as u16)))
        }
        Value::String(s) => {
            let s = s.to_rust_string();
            if let Ok(p) = s.parse::<u16>() {
                return Ok(Some(SocketAddr::new(IpAddr::from([0, 0, 0, 0]), p)));
            }
            if let Ok(a) = s.parse::<SocketAddr>() {
                return Ok(Some(a));
            }
            if let Some((host, port)) = s.rsplit_once(':') {
                let port: u16 = port.parse().map_err(|_| error::type_error(&format!("invalid port in '{s}'")))?;
                let ip: IpAddr = match host.trim_start_matches('[').trim_end_matches(']') {
                    "" | "*" => IpAddr::from([0, 0, 0, 0]),
                    "localhost" => IpAddr::from([127, 0, 0, 1]),
                    h => h.parse().map_err(|_| error::type_error(&format!("invalid listening address '{s}'")))?,
                };
                return Ok(Some(SocketAddr::new(ip, port)));
            }
            Err(error::type_error(&format!("invalid listening address '{s}'")))
        }
        other => Err(error::type_error(&format!("invalid port {}", ops::describe(other)))),
    }
}

const LISTEN_OPTIONS: &[&str] = &[
    "protocol",
    "maxConnections",
    "maxPortConnections",
    "readTimeout",
    "writeTimeout",
    "idleTimeout",
    "keepAlive",
    "noDelay",
    "congestionLimit",
    "bufferLimit",
    "transparent",
    "masquerade",
    "peerStats",
    "maxPacketSize",
];

fn dur(v: &Value) -> JsResult<Option<Duration>> {
    Ok(filters::parse_duration(v)?.filter(|s| *s > 0.0).map(Duration::from_secs_f64))
}

pub fn listen_options(opts: &Value) -> JsResult<ListenOptions> {
    filters::check_options("listen", opts, LISTEN_OPTIONS)?;
    let mut o = ListenOptions::default();
    match filters::option(opts, "protocol")? {
        Value::Undefined => {}
        v => {
            o.protocol = match ops::to_rust_string(&v)?.as_str() {
                "tcp" => Protocol::Tcp,
                "udp" => Protocol::Udp,
                p => return Err(error::type_error(&format!("listen(): unknown protocol '{p}'"))),
            }
        }
    }
    if let Value::Number(n) = filters::option(opts, "maxConnections")? {
        if n >= 0.0 {
            o.max_connections = Some(n as usize);
        }
    }
    if let Value::Number(n) = filters::option(opts, "maxPortConnections")? {
        if n >= 0.0 {
            o.max_port_connections = Some(n as usize);
        }
    }
    o.read_timeout = dur(&filters::option(opts, "readTimeout")?)?;
    o.write_timeout = dur(&filters::option(opts, "writeTimeout")?)?;
    let idle = filters::option(opts, "idleTimeout")?;
    if !idle.is_undefined() {
        o.idle_timeout = dur(&idle)?;
    }
    if let Value::Bool(b) = filters::option(opts, "keepAlive")? {
        o.keep_alive = b;
    }
    if let Value::Bool(b) = filters::option(opts, "noDelay")? {
        o.no_delay = b;
    }
    if let Some(n) = filters::parse_size(&filters::option(opts, "maxPacketSize")?)? {
        o.max_packet_size = n;
    }
    o.peer_stats = filters::option(opts, "peerStats")?.truthy();
    o.transparent = filters::option(opts, "transparent")?.truthy();
    // Sizes as the original reads them: a number of bytes, or a string with a binary unit.
    for (key, field) in [("congestionLimit", &mut o.congestion_limit), ("bufferLimit", &mut o.buffer_limit)] {
        if let Some(n) = filters::size_option("listen", opts, key)? {
            *field = n;
        }
    }
    o.masquerade = match filters::option(opts, "masquerade")? {
        Value::Undefined | Value::Null => false,
        Value::Bool(b) => b,
        Value::String(s) if s.to_rust_string() == "true" => true,
        Value::String(s) if s.to_rust_string() == "false" => false,
        v => {
            return Err(error::type_error(&format!(
                "listen(): option 'masquerade' expects a boolean, got {}",
                ops::describe(&v)
            )));
        }
    };
    Ok(o)
}

/// Registers a listener for `layout` (shared by `Configuration.listen` and `pipy.listen`).
pub fn add_listener(port: &Value, options: ListenOptions, layout: Rc<Layout>) -> JsResult<()> {
    if let Some(addr) = listen_addr(port)? {
        *layout.name.borrow_mut() = format!("Listen on {}:{}", addr.ip(), addr.port());
        net::add_listener(ListenSpec { addr, layout, options });
    }
    Ok(())
}

fn m_listen(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, module, _) = state(this)?;
    let options = listen_options(&arg(args, 1))?;
    let layout = Layout::new(&module, "Listen");
    add_listener(&arg(args, 0), options, layout.clone())?;
    set_current(&o, layout);
    Ok(this.clone())
}

fn m_pipeline(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, module, _) = state(this)?;
    let name = match arg(args, 0) {
        Value::Undefined => String::new(),
        v => ops::to_rust_string(&v)?,
    };
    let layout = Layout::new(&module, if name.is_empty() { "Module entry" } else { &name });
    layout::register_named(&module, &name, layout.clone());
    set_current(&o, layout);
    Ok(this.clone())
}

fn m_task(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, module, _) = state(this)?;
    let a = arg(args, 0);
    let kind = match &a {
        Value::Undefined | Value::Null => TaskKind::Once,
        Value::String(s) if s.to_rust_string().starts_with("SIG") => {
            let name = s.to_rust_string();
            TaskKind::Signal(
                net::signal_number(&name).ok_or_else(|| error::type_error(&format!("unknown signal {name}")))?,
            )
        }
        v => match filters::parse_duration(v)? {
            Some(d) if d > 0.0 => TaskKind::Every(Duration::from_secs_f64(d)),
            _ => TaskKind::Once,
        },
    };
    let name = match &kind {
        TaskKind::Once => "Task".to_string(),
        TaskKind::Every(d) => format!("Task every {}s", d.as_secs_f64()),
        TaskKind::Signal(_) => format!("Task on {}", ops::to_rust_string(&a)?),
        TaskKind::Watch(p) => format!("Watch {}", p.display()),
    };
    let layout = Layout::new(&module, &name);
    if !arg(args, 1).is_undefined() {
        *layout.on_start.borrow_mut() = Some(arg(args, 1));
    }
    net::add_task(TaskSpec { kind, layout: layout.clone() });
    set_current(&o, layout);
    Ok(this.clone())
}

/// `watch(filename)`: a pipeline started whenever a codebase file changes.
fn m_watch(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, module, _) = state(this)?;
    let file = ops::to_rust_string(&arg(args, 0))?;
    let layout = Layout::new(&module, &format!("Watch {file}"));
    net::add_task(TaskSpec { kind: TaskKind::Watch(super::resolve_path(&file)), layout: layout.clone() });
    set_current(&o, layout);
    Ok(this.clone())
}

fn m_admin(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, module, _) = state(this)?;
    let path = ops::to_rust_string(&arg(args, 0))?;
    if !path.starts_with("/admin/") {
        return Err(error::type_error(&format!("admin(): the path must start with /admin/ (got '{path}')")));
    }
    let layout = Layout::new(&module, &format!("Admin {path}"));
    net::add_admin(&path, layout.clone());
    set_current(&o, layout);
    Ok(this.clone())
}

fn m_exit(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, module, _) = state(this)?;
    let layout = Layout::new(&module, "Exit");
    if !arg(args, 0).is_undefined() {
        *layout.on_start.borrow_mut() = Some(arg(args, 0));
    }
    net::add_exit(layout.clone());
    set_current(&o, layout);
    Ok(this.clone())
}

fn m_export(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (_, module, _) = state(this)?;
    let ns = ops::to_rust_string(&arg(args, 0))?;
    let vars = arg(args, 1);
    let Value::Object(o) = &vars else { return Err(error::type_error("export(): the variables must be an object")) };
    for k in ops::own_enumerable_keys(o) {
        let v = ops::get(&vars, &pipy_value::PropKey::from(k.clone()))?;
        context::export(&module, &ns, &k.to_rust_string(), v);
    }
    Ok(this.clone())
}

fn m_import(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (_, module, _) = state(this)?;
    let vars = arg(args, 0);
    let Value::Object(o) = &vars else { return Err(error::type_error("import(): the variables must be an object")) };
    for k in ops::own_enumerable_keys(o) {
        let ns = ops::to_rust_string(&ops::get(&vars, &pipy_value::PropKey::from(k.clone()))?)?;
        context::import(&module, &ns, &k.to_rust_string())?;
    }
    Ok(this.clone())
}

/// Configuration-time loop: `repeat(n, ($, i) => …)` or `repeat(array, ($, v, i) => …)`.
fn m_repeat(this: &Value, args: &[Value]) -> JsResult<Value> {
    let what = arg(args, 0);
    let f = arg(args, 1);
    // `repeat(condition).to(sub)`: the 1.x filter of that name.
    if what.is_callable() && f.is_undefined() {
        if let Some(spec) = filters::find("repeat") {
            return function::call(&Value::Object(filter_method(spec)), this, args);
        }
    }
    if !f.is_callable() {
        return Err(error::type_error("repeat(): the second argument must be a function"));
    }
    if let Value::Number(n) = what {
        for i in 0..(n.max(0.0) as usize) {
            function::call(&f, &Value::Undefined, &[this.clone(), Value::num(i as f64)])?;
        }
    } else {
        for (i, v) in ops::iterate_to_vec(&what)?.into_iter().enumerate() {
            function::call(&f, &Value::Undefined, &[this.clone(), v, Value::num(i as f64)])?;
        }
    }
    Ok(this.clone())
}

fn m_on_start(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (_, layout) = current(this, "onStart()")?;
    *layout.on_start.borrow_mut() = Some(arg(args, 0));
    Ok(this.clone())
}

fn m_on_end(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (_, layout) = current(this, "onEnd()")?;
    let f = arg(args, 0);
    if !f.is_callable() {
        return Err(error::type_error("onEnd(): the argument must be a function"));
    }
    *layout.on_end.borrow_mut() = Some(f);
    Ok(this.clone())
}

fn m_to(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (module, layout) = current(this, ".to()")?;
    let Some(last) = layout.last_filter() else {
        return Err(error::type_error(".to(): there is no filter before it"));
    };
    let Some(slot) = last.sub_slot() else {
        return Err(error::type_error(&format!(".to(): {}() takes no sub-pipeline", last.name())));
    };
    let target = match arg(args, 0) {
        Value::String(s) => SubTarget::Named { module: module.clone(), name: s.to_rust_string() },
        v => SubTarget::Layout(layout_from(&module, &v, "(anonymous)")?),
    };
    slot.set(target);
    Ok(this.clone())
}

/// A Configuration method that is not a filter: how users call it (the same notation as
/// `FilterSpec::params`) and what it does. `pipy check` reads this table.
pub struct MethodSpec {
    pub name: &'static str,
    pub params: &'static str,
    pub help: &'static str,
    /// Starts a new pipeline layout that the following filters append to.
    pub starts_pipeline: bool,
    f: util::Builtin,
}

const fn m(name: &'static str, params: &'static str, help: &'static str, starts: bool, f: util::Builtin) -> MethodSpec {
    MethodSpec { name, params, help, starts_pipeline: starts, f }
}

pub static METHODS: &[MethodSpec] = &[
    m(
        "listen",
        "(port, options?)",
        "Accepts connections on a port; each one runs the pipeline that follows",
        true,
        m_listen,
    ),
    m("pipeline", "(name?)", "Starts a named sub-pipeline (no name: the module's entry pipeline)", true, m_pipeline),
    m("task", "(interval | signal?, onStart?)", "Starts a pipeline once, on a timer, or on a signal", true, m_task),
    m("watch", "(filename)", "Starts a pipeline whenever a file changes", true, m_watch),
    m("exit", "(onStart?)", "Starts a pipeline when the process is asked to stop", true, m_exit),
    m(
        "admin",
        "(path)",
        "Answers the admin service's requests under path (/admin/...): a Message in, a Message out",
        true,
        m_admin,
    ),
    m("export", "(namespace, variables)", "Exports __variables to other modules under a namespace", false, m_export),
    m("import", "(variables)", "Imports __variables other modules export ({ __name: 'namespace' })", false, m_import),
    m(
        "repeat",
        "(count | items | condition, callback?)",
        "Configures once per item, or the repeat() filter",
        false,
        m_repeat,
    ),
    m("onStart", "(callback)", "Calls back when a pipeline of the last layout starts", false, m_on_start),
    m("onEnd", "(callback)", "Calls back when a pipeline of the last layout ends", false, m_on_end),
    m("to", "(target)", "Gives the joint filter before it its sub-pipeline (a name or $=>$...)", false, m_to),
];

/// Option keys `listen()` and `pipy.listen()` accept.
pub fn listen_option_keys() -> &'static [&'static str] {
    LISTEN_OPTIONS
}

pub fn install() {
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    proto.mark_prototype();
    for spec in filters::all() {
        proto.define_hidden(spec.name, Value::Object(filter_method(spec)));
    }
    for spec in METHODS {
        let length =
            spec.params.split(',').filter(|p| !p.contains('?') && !p.trim_matches(['(', ')']).is_empty()).count();
        util::method(&proto, spec.name, length as u32, spec.f);
    }
    realm::register("PipelineBuilder.prototype", Value::Object(proto));
}
