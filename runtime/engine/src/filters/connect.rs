//! `connect(target, options?)`: sends the stream's Data to a TCP or UDP upstream and outputs what
//! comes back, ending with a StreamEnd that names the error, if any. The target (`'host:port'` or
//! a function giving one) is evaluated once per stream, on the first event.
//!
//! With `protocol: 'netlink'` (Linux only) it talks to the kernel over a Netlink socket of the
//! family `netlinkFamily` (default 0, `NETLINK_ROUTE`): the target is a Netlink address
//! (`'pid=0;groups=0'` is the kernel), `bind` too (`'pid=0;groups=1'` to hear a multicast group).
//! As with UDP, each Message's body goes out as one datagram (what `encodeNetlink` makes), and the
//! socket closes when the input ends, so a stream that waits for replies (a dump) is left open
//! (`pipeline(…).spawn()`) and ended by the script, e.g. on `NLMSG_DONE`.

use super::{BuildCx, FilterSpec, arg, check_options, factory, option, parse_duration};
use crate::net::Protocol;
use crate::net::outbound::{self, ConnectOptions, Outbound};
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event, StreamError};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::netlink::parse_address;
use pipy_value::{JsResult, Value, error, ops};
use std::rc::Rc;
use std::time::Duration;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "connect",
    params: "(target, options?)",
    help: "Sends Data to a TCP/UDP upstream ('host:port' or a function), or to the kernel over Netlink, and outputs the response",
    joint: false,
    options: OPTIONS,
    build,
}];

const OPTIONS: &[&str] = &[
    "protocol",
    "netlinkFamily",
    "bind",
    "onState",
    "congestionLimit",
    "bufferLimit",
    "retryCount",
    "retryDelay",
    "connectTimeout",
    "readTimeout",
    "writeTimeout",
    "idleTimeout",
    "keepAlive",
    "noDelay",
];

struct Config {
    target: Value,
    options: ConnectOptions,
    /// `congestionLimit`: how much may wait to be written upstream before what feeds it pauses
    /// (the stream's; 0: never).
    congestion_limit: Option<usize>,
    /// `bufferLimit`: more Data for an upstream with this much waiting ends the stream with
    /// `BufferOverflow` (0: no limit).
    buffer_limit: usize,
}

fn secs(v: &Value) -> JsResult<Option<Duration>> {
    Ok(parse_duration(v)?.filter(|s| *s > 0.0).map(Duration::from_secs_f64))
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let target = arg(args, 0);
    if target.is_nullish() {
        return Err(error::type_error("connect(): a target is required ('host:port' or a function)"));
    }
    let opts = arg(args, 1);
    check_options("connect", &opts, OPTIONS)?;
    let mut o = ConnectOptions::default();
    match option(&opts, "protocol")? {
        Value::Undefined => {}
        v => match ops::to_rust_string(&v)?.as_str() {
            "tcp" => o.protocol = Protocol::Tcp,
            "udp" => o.protocol = Protocol::Udp,
            "netlink" if cfg!(target_os = "linux") => o.protocol = Protocol::Netlink,
            "netlink" => return Err(error::type_error("connect(): protocol 'netlink' is only available on Linux")),
            other => return Err(error::type_error(&format!("connect(): unknown protocol '{other}'"))),
        },
    }
    o.connect_timeout = secs(&option(&opts, "connectTimeout")?)?;
    o.read_timeout = secs(&option(&opts, "readTimeout")?)?;
    o.write_timeout = secs(&option(&opts, "writeTimeout")?)?;
    let idle = option(&opts, "idleTimeout")?;
    if !idle.is_undefined() {
        o.idle_timeout = secs(&idle)?;
    }
    if let Value::Number(n) = option(&opts, "retryCount")? {
        o.retry_count = n.max(0.0) as u32;
    }
    if let Some(d) = parse_duration(&option(&opts, "retryDelay")?)? {
        o.retry_delay = Duration::from_secs_f64(d.max(0.0));
    }
    if let Value::Bool(b) = option(&opts, "keepAlive")? {
        o.keep_alive = b;
    }
    if let Value::Bool(b) = option(&opts, "noDelay")? {
        o.no_delay = b;
    }
    let netlink = o.protocol == Protocol::Netlink;
    match option(&opts, "netlinkFamily")? {
        v if v.is_nullish() => {}
        v => {
            let n = ops::to_number(&v)?;
            if !(n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n)) {
                return Err(error::type_error(&format!("connect(): invalid netlinkFamily {}", ops::describe(&v))));
            }
            o.netlink_family = n as u32;
        }
    }
    if let v @ Value::String(_) = option(&opts, "bind")? {
        let s = ops::to_rust_string(&v)?;
        let invalid = |why: String| error::type_error(&format!("connect(): invalid bind address '{s}'{why}"));
        if netlink {
            o.netlink_bind = Some(parse_address(&s).map_err(|e| invalid(format!(": {e}")))?);
        } else {
            o.bind = Some(s.parse().map_err(|_| invalid(String::new()))?);
        }
    }
    // Sizes as the original reads them: a number of bytes, or a string with a binary unit.
    let congestion_limit = crate::filters::size_option("connect", &opts, "congestionLimit")?;
    let buffer_limit = crate::filters::size_option("connect", &opts, "bufferLimit")?;
    let cfg = Config { target, options: o, congestion_limit, buffer_limit: buffer_limit.unwrap_or(0) };
    Ok(factory("connect", cfg, |c, _| {
        Box::new(Connect { cfg: c.clone(), outbound: None, ended: false, datagram: None })
    }))
}

struct Connect {
    cfg: Rc<Config>,
    outbound: Option<Outbound>,
    ended: bool,
    /// UDP: the body of the message being collected into one datagram.
    datagram: Option<Data>,
}

impl Filter for Connect {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.ended {
            return;
        }
        if self.outbound.is_none() {
            if e.is_stream_end() {
                // Nothing was ever sent: end without connecting.
                self.ended = true;
                return cx.output(Event::end());
            }
            let target = self.cfg.target.clone();
            let Some(t) = cx.eval(&target, &[]) else { return };
            let t = match ops::to_rust_string(&t) {
                Ok(t) => t,
                Err(e) => return cx.throw(e),
            };
            if self.cfg.options.protocol == Protocol::Netlink
                && let Err(e) = parse_address(&t)
            {
                return cx.throw(error::type_error(&format!("connect(): invalid Netlink address '{t}': {e}")));
            }
            let flow = cx.context().flow.clone();
            if let Some(n) = self.cfg.congestion_limit {
                flow.set_limit(true, n);
            }
            self.outbound = Some(outbound::start(t, self.cfg.options.clone(), cx.handle(), flow));
        }
        let Some(out) = &self.outbound else { return };
        // Datagrams: each Message's body is sent as one.
        let udp = matches!(self.cfg.options.protocol, Protocol::Udp | Protocol::Netlink);
        match e {
            Event::Data(d) => match &mut self.datagram {
                Some(buf) if udp => buf.push(&d),
                _ if self.cfg.buffer_limit > 0 && cx.context().flow.upstream.get() >= self.cfg.buffer_limit => {
                    crate::log::error(&format!(
                        "[connect] buffer overflow: {} bytes waiting for the upstream (bufferLimit {})",
                        cx.context().flow.upstream.get(),
                        self.cfg.buffer_limit
                    ));
                    self.outbound = None;
                    self.ended = true;
                    cx.output(Event::StreamEnd(Some(StreamError::Code(ErrorCode::BufferOverflow))));
                }
                _ => out.send(&d),
            },
            Event::MessageStart(_) if udp => self.datagram = Some(Data::new()),
            Event::MessageEnd { .. } if udp => {
                if let Some(d) = self.datagram.take() {
                    out.send(&Data::from(d.to_bytes()));
                }
            }
            Event::StreamEnd(_) => out.end(),
            _ => {}
        }
    }
}
