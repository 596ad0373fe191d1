//! Outbound connections for the `connect` filter: resolve, connect (with timeout and retries),
//! then pump bytes both ways. Failures become StreamEnd error codes the way the original names
//! them: any failure to connect is `ConnectionRefused`, a failed lookup `CannotResolve`.

use super::inbound::write_loop;
use super::queue::{WriteOp, WriteRx, WriteTx};
use super::{Protocol, active};
use crate::pipeline::StageHandle;
use crate::pipeline::context::Flow;
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event, StreamError};
use pipy_value::object::Obj;
use pipy_value::shape::attr;
use pipy_value::{JsResult, Value, function};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub protocol: Protocol,
    pub connect_timeout: Option<Duration>,
    pub read_timeout: Option<Duration>,
    pub write_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    pub retry_count: u32,
    pub retry_delay: Duration,
    pub keep_alive: bool,
    pub no_delay: bool,
    pub bind: Option<SocketAddr>,
    /// Netlink: the protocol family (`NETLINK_ROUTE` is 0).
    pub netlink_family: u32,
    /// Netlink: the address to bind to, (pid, groups).
    pub netlink_bind: Option<(u32, u32)>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            protocol: Protocol::Tcp,
            connect_timeout: None,
            read_timeout: None,
            write_timeout: None,
            idle_timeout: Some(Duration::from_secs(60)),
            retry_count: 0,
            retry_delay: Duration::ZERO,
            keep_alive: true,
            no_delay: true,
            bind: None,
            netlink_family: 0,
            netlink_bind: None,
        }
    }
}

thread_local! {
    static OUTBOUND_COUNT: Cell<usize> = const { Cell::new(0) };
    static NEXT_OUTBOUND_ID: Cell<u64> = const { Cell::new(1) };
    /// This worker's outbound connections (with their script object once made), oldest first:
    /// what `pipy.outbound.forEach` calls back with.
    static LIVE: RefCell<BTreeMap<u64, LiveEntry>> = const { RefCell::new(BTreeMap::new()) };
}

/// An outbound connection's status and its script object, once made.
type LiveEntry = (Rc<Status>, Option<Value>);

/// What a script sees of an outbound connection, as it goes: its state (the original's names:
/// `resolving`, `connecting`, `connected`, `closed`) and addresses.
pub struct Status {
    state: Cell<&'static str>,
    local: Cell<Option<SocketAddr>>,
    remote: Cell<Option<SocketAddr>>,
    /// `close()` was called: the connection ends with `ConnectionAborted`.
    close: tokio::sync::Notify,
}

impl Status {
    fn set(&self, state: &'static str) {
        self.state.set(state);
    }
}

/// A connection in `LIVE` while its task runs.
struct Live(u64, Rc<Status>);

impl Drop for Live {
    fn drop(&mut self) {
        self.1.set("closed");
        let _ = LIVE.try_with(|l| l.borrow_mut().remove(&self.0));
    }
}

fn ip_text(a: Option<SocketAddr>) -> Value {
    Value::string(a.map(|a| a.ip().to_canonical().to_string()).unwrap_or_default())
}

fn port_of(a: Option<SocketAddr>) -> Value {
    Value::num(f64::from(a.map(|a| a.port()).unwrap_or(0)))
}

/// The script object of an outbound connection: `state`, `localAddress`, `localPort`,
/// `remoteAddress`, `remotePort` (read when asked) and `close()`.
fn outbound_object(st: &Rc<Status>) -> Value {
    let o = Obj::ordinary();
    type Field = fn(&Status) -> Value;
    let fields: [(&str, Field); 5] = [
        ("state", |s| Value::str(s.state.get())),
        ("localAddress", |s| ip_text(s.local.get())),
        ("localPort", |s| port_of(s.local.get())),
        ("remoteAddress", |s| ip_text(s.remote.get())),
        ("remotePort", |s| port_of(s.remote.get())),
    ];
    for (name, field) in fields {
        let st = st.clone();
        let get = move |_: &Value, _: &[Value], _: Option<&Obj>| -> JsResult<Value> { Ok(field(&st)) };
        let get = function::native_function(&format!("get {name}"), 0, Rc::new(get), false);
        o.define_accessor(name, Some(get), None, attr::CONFIGURABLE);
    }
    let st = st.clone();
    let close = move |_: &Value, _: &[Value], _: Option<&Obj>| -> JsResult<Value> {
        st.close.notify_one();
        Ok(Value::Undefined)
    };
    o.define_hidden("close", Value::Object(function::native_function("close", 0, Rc::new(close), false)));
    Value::Object(o)
}

/// The objects of this worker's outbound connections, oldest first (each connection keeps its
/// object, so a script sees the same one each time).
pub fn live_outbound_objects() -> Vec<Value> {
    let missing: Vec<(u64, Rc<Status>)> = LIVE
        .with(|l| l.borrow().iter().filter(|(_, (_, o))| o.is_none()).map(|(id, (st, _))| (*id, st.clone())).collect());
    for (id, st) in missing {
        let o = outbound_object(&st);
        LIVE.with(|l| {
            if let Some(e) = l.borrow_mut().get_mut(&id) {
                e.1 = Some(o);
            }
        });
    }
    LIVE.with(|l| l.borrow().values().filter_map(|(_, o)| o.clone()).collect())
}

pub fn outbound_count() -> usize {
    OUTBOUND_COUNT.with(|c| c.get())
}

/// One open outbound connection in `outbound_count` while it lives.
struct Counted;

impl Counted {
    fn new() -> Counted {
        OUTBOUND_COUNT.with(|c| c.set(c.get() + 1));
        Counted
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let _ = OUTBOUND_COUNT.try_with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// A running outbound connection: the writer side the filter feeds.
pub struct Outbound {
    tx: WriteTx,
    flow: Rc<Flow>,
    task: tokio::task::AbortHandle,
}

impl Outbound {
    pub fn send(&self, d: &Data) {
        for c in d.chunks() {
            self.flow.add(true, c.len());
            self.tx.send(WriteOp::Data(c.clone()));
        }
    }

    /// The stream ended on our side: flush and half-close.
    pub fn end(&self) {
        self.tx.send(WriteOp::End);
    }
}

impl Drop for Outbound {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Splits `host:port` (IPv6 as `[::1]:80`).
pub fn split_host_port(target: &str) -> Option<(String, u16)> {
    let (host, port) = target.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((host.to_string(), port))
}

async fn resolve(target: &str) -> Result<SocketAddr, ErrorCode> {
    let Some((host, port)) = split_host_port(target) else { return Err(ErrorCode::CannotResolve) };
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    match tokio::net::lookup_host((host.as_str(), port)).await {
        Ok(mut addrs) => addrs.next().ok_or(ErrorCode::CannotResolve),
        Err(_) => Err(ErrorCode::CannotResolve),
    }
}

/// Starts connecting to `target`; received bytes and the end come out of `handle` (the connect
/// filter's stage).
pub fn start(target: String, options: ConnectOptions, handle: StageHandle, flow: Rc<Flow>) -> Outbound {
    let (tx, rx) = super::queue::write_queue();
    let f2 = flow.clone();
    let status = Rc::new(Status {
        state: Cell::new("resolving"),
        local: Cell::new(None),
        remote: Cell::new(None),
        close: tokio::sync::Notify::new(),
    });
    let id = NEXT_OUTBOUND_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    LIVE.with(|l| l.borrow_mut().insert(id, (status.clone(), None)));
    let live = Live(id, status.clone());
    let task = tokio::task::spawn_local(async move {
        let _active = active();
        // Counted down when the task ends or is aborted (the filter let go of the connection).
        let _counted = Counted::new();
        let _live = live;
        let r = tokio::select! {
            r = run(&target, &options, &handle, rx, f2, &status) => r,
            _ = status.close.notified() => Err(ErrorCode::ConnectionAborted),
        };
        if let Err(code) = r {
            crate::log::debug(&format!("[outbound] {target}: {}", code.name()));
            handle.emit(Event::StreamEnd(Some(StreamError::Code(code))));
        }
    });
    Outbound { tx, flow, task: task.abort_handle() }
}

async fn connect_once(addr: SocketAddr, options: &ConnectOptions) -> Result<tokio::net::TcpStream, ErrorCode> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4() } else { tokio::net::TcpSocket::new_v6() }
        .map_err(|_| ErrorCode::ConnectionRefused)?;
    if let Some(b) = options.bind {
        socket.bind(b).map_err(|_| ErrorCode::ConnectionRefused)?;
    }
    let fut = socket.connect(addr);
    let stream = match options.connect_timeout {
        Some(t) => match tokio::time::timeout(t, fut).await {
            Ok(r) => r.map_err(|_| ErrorCode::ConnectionRefused)?,
            Err(_) => return Err(ErrorCode::ConnectionTimeout),
        },
        None => fut.await.map_err(|_| ErrorCode::ConnectionRefused)?,
    };
    let _ = stream.set_nodelay(options.no_delay);
    if options.keep_alive {
        let _ = socket2::SockRef::from(&stream).set_keepalive(true);
    }
    Ok(stream)
}

async fn run(
    target: &str,
    options: &ConnectOptions,
    handle: &StageHandle,
    rx: WriteRx,
    flow: Rc<Flow>,
    status: &Status,
) -> Result<(), ErrorCode> {
    if options.protocol == Protocol::Netlink {
        #[cfg(target_os = "linux")]
        {
            let (family, bind) = (options.netlink_family, options.netlink_bind);
            return super::netlink::run(target, family, bind, handle, rx, &flow, || status.set("connected")).await;
        }
        #[cfg(not(target_os = "linux"))]
        {
            crate::log::error("[netlink] Netlink is only available on Linux");
            return Err(ErrorCode::ConnectionRefused);
        }
    }
    let addr = resolve(target).await?;
    status.remote.set(Some(addr));
    status.set("connecting");
    if options.protocol == Protocol::Udp {
        return run_udp(addr, handle, rx, &flow, status).await;
    }
    let upstream = super::metrics::outbound("tcp", target);
    let mut attempt = 0;
    let began = Instant::now();
    let stream = loop {
        match connect_once(addr, options).await {
            Ok(s) => break s,
            Err(code) => {
                if attempt >= options.retry_count {
                    return Err(code);
                }
                attempt += 1;
                tokio::time::sleep(options.retry_delay).await;
            }
        }
    };
    upstream.observe_connect(began.elapsed().as_secs_f64() * 1000.0);
    status.local.set(stream.local_addr().ok());
    status.set("connected");
    let open = super::metrics::Open::new(&upstream.traffic);
    let traffic = open.traffic().clone();
    let (mut rd, wr) = stream.into_split();
    let activity = Rc::new(Cell::new(Instant::now()));
    let mut writer =
        Box::pin(write_loop(wr, rx, flow.clone(), true, activity.clone(), options.write_timeout, traffic.clone()));
    let mut writer_done = false;
    let mut idle = super::IdleTimer::new(options.idle_timeout);
    loop {
        tokio::select! {
            r = async {
                flow.room_downstream().await;
                super::read_some_within(&mut rd, options.read_timeout).await
            } => {
                activity.set(Instant::now());
                match r {
                    Ok(chunk) if chunk.is_empty() => {
                        handle.emit(Event::end());
                        return Ok(());
                    }
                    Ok(chunk) => {
                        traffic.add_in(chunk.len());
                        handle.emit(Event::Data(Data::from(chunk)));
                        if !handle.alive() {
                            return Ok(());
                        }
                    }
                    Err(e) => {
                        return Err(if e.kind() == std::io::ErrorKind::TimedOut { ErrorCode::ReadTimeout } else { ErrorCode::ConnectionReset });
                    }
                }
            }
            w = &mut writer, if !writer_done => {
                writer_done = true;
                w?;
            }
            _ = idle.expired(&activity) => return Err(ErrorCode::IdleTimeout),
        }
    }
}

async fn run_udp(
    addr: SocketAddr,
    handle: &StageHandle,
    mut rx: WriteRx,
    flow: &Flow,
    status: &Status,
) -> Result<(), ErrorCode> {
    let local: SocketAddr =
        if addr.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().map_err(|_| ErrorCode::ConnectionRefused)?;
    let sock = tokio::net::UdpSocket::bind(local).await.map_err(|_| ErrorCode::ConnectionRefused)?;
    sock.connect(addr).await.map_err(|_| ErrorCode::ConnectionRefused)?;
    status.local.set(sock.local_addr().ok());
    status.set("connected");
    let mut buf = vec![0u8; 65536];
    loop {
        tokio::select! {
            op = rx.recv() => match op {
                Some(WriteOp::Data(b)) => {
                    let _ = sock.send(&b).await;
                    // Counted when queued (`Outbound::send`): the writer of the input waits on it.
                    flow.sub(true, b.len());
                }
                Some(WriteOp::End) | None => {
                    handle.emit(Event::end());
                    return Ok(());
                }
            },
            r = sock.recv(&mut buf) => match r {
                Ok(n) => handle.emit(Event::Data(Data::from(&buf[..n]))),
                Err(_) => return Err(ErrorCode::ConnectionRefused),
            }
        }
    }
}
