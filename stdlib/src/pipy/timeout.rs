//! `Timeout`: `new Timeout(seconds).wait()` gives a Promise that resolves after the delay
//! (`restart()` starts the delay again, `cancel()` stops it). The original has no setTimeout;
//! this is its way to wait. Outside a running worker (a plain `pipy -e`), waiting is refused.

use crate::util::{self, arg};
use pipy_engine::pipeline::context;
use pipy_engine::{filters, net};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, function, realm};
use std::rc::Rc;
use std::time::Duration;

struct TimeoutHost {
    delay: Duration,
    timer: Option<tokio::task::AbortHandle>,
    resolvers: Vec<Value>,
}

impl Drop for TimeoutHost {
    fn drop(&mut self) {
        if let Some(t) = self.timer.take() {
            t.abort();
        }
    }
}

fn this_obj(this: &Value) -> JsResult<Obj> {
    match this {
        Value::Object(o) if o.is_host::<TimeoutHost>() => Ok(o.clone()),
        _ => Err(error::type_error("not a Timeout")),
    }
}

fn arm(o: &Obj) -> JsResult<()> {
    if !net::in_event_loop() {
        return Err(error::type_error("Timeout.wait(): no event loop is running here"));
    }
    let delay = o.with_host(|t: &mut TimeoutHost| t.delay).unwrap_or_default();
    // The pending timer holds its Timeout (as the original retains it while waiting), so a
    // `new Timeout(1).wait()` nobody keeps still fires; firing or cancelling lets it go.
    let me = o.clone();
    let ctx = context::current();
    let handle = net::timer(
        delay,
        Box::new(move || {
            let resolvers = me
                .with_host(|t: &mut TimeoutHost| {
                    t.timer = None;
                    std::mem::take(&mut t.resolvers)
                })
                .unwrap_or_default();
            let _g = context::enter(&ctx);
            for r in resolvers {
                let _ = function::call(&r, &Value::Undefined, &[]);
            }
        }),
    );
    o.with_host(|t: &mut TimeoutHost| {
        if let Some(old) = t.timer.replace(handle) {
            old.abort();
        }
    });
    Ok(())
}

pub fn install() {
    pipy_value::cycles::trace_host::<TimeoutHost>(|t, v| {
        for r in &t.resolvers {
            v.value(r);
        }
    });
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    proto.mark_prototype();
    let p2 = proto.clone();
    util::constructor(
        "Timeout",
        1,
        &proto,
        Rc::new(move |_, args, _| {
            let secs = filters::parse_duration(&arg(args, 0))?.unwrap_or(0.0).max(0.0);
            let host = TimeoutHost { delay: Duration::from_secs_f64(secs), timer: None, resolvers: Vec::new() };
            Ok(Value::Object(Obj::new(Some(p2.clone()), ObjectKind::Host(Box::new(host)))))
        }),
    );
    util::method(&proto, "wait", 0, |this, _| {
        let o = this_obj(this)?;
        let (promise, resolve, _) = crate::promise::new_promise();
        let armed = o.with_host(|t: &mut TimeoutHost| {
            t.resolvers.push(resolve);
            t.timer.is_some()
        });
        if armed != Some(true) {
            arm(&o)?;
        }
        Ok(Value::Object(promise))
    });
    util::method(&proto, "restart", 0, |this, _| {
        let o = this_obj(this)?;
        arm(&o)?;
        Ok(Value::Undefined)
    });
    util::method(&proto, "cancel", 0, |this, _| {
        let o = this_obj(this)?;
        o.with_host(|t: &mut TimeoutHost| {
            if let Some(h) = t.timer.take() {
                h.abort();
            }
            t.resolvers.clear();
        });
        Ok(Value::Undefined)
    });
}
