//! A duration or size option written as a string the runtime cannot read (`'5 sec'`, `'1 GB!'`).

use super::{Found, Rule};
use crate::Project;
use crate::collect::{KeyFact, What, string_of};
use pipy_compiler::diagnostics::Diagnostic;
use pipy_engine::filters::{duration_str, parse_size};

pub const RULE: Rule =
    Rule { name: "bad-duration", code: "E0113", summary: "a duration or size the runtime cannot read", run };

const DURATIONS: &[&str] = &[
    "timeout",
    "readTimeout",
    "writeTimeout",
    "idleTimeout",
    "connectTimeout",
    "headerTimeout",
    "retryDelay",
    "delay",
    "interval",
    "maxIdle",
];
const SIZES: &[&str] = &["bufferSize", "maxHeaderSize", "maxPacketSize", "bufferLimit", "congestionLimit"];

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for l in &m.facts.links {
            if let Some(keys) = l.counted_args().last().and_then(|a| a.object.as_ref()) {
                if l.filter().is_some() {
                    check(keys, i, out);
                }
            }
            // `task('5s')`: the interval (signals are names starting with SIG).
            if matches!(l.what, What::Method(s) if s.name == "task") {
                if let Some(a) = l.args.first() {
                    if let Some(s) = a.value.as_ref().and_then(string_of) {
                        if !s.starts_with("SIG") && duration_str(&s).is_none() {
                            let pos = a.pos.unwrap_or(l.pos);
                            out.push((i, duration_error(&s, pos)));
                        }
                    }
                }
            }
        }
        for l in &m.facts.listens {
            check(&l.options, i, out);
        }
    }
}

fn duration_error(s: &str, pos: u32) -> Diagnostic {
    Diagnostic::error(RULE.code, format!("'{s}' is not a duration"), pos, pos + s.len() as u32 + 2)
        .with_help("write seconds as a number, or a string like '500ms', '5s', '2m', '1h', '1d'")
}

fn check(keys: &[KeyFact], module: usize, out: &mut Found) {
    for k in keys {
        let (Some(v), Some(pos)) = (&k.value, k.value_pos) else { continue };
        let Some(s) = string_of(v) else { continue };
        if DURATIONS.contains(&k.key.as_str()) && duration_str(&s).is_none() {
            out.push((module, duration_error(&s, pos)));
        } else if SIZES.contains(&k.key.as_str()) && parse_size(v).is_err() {
            let d = Diagnostic::error(RULE.code, format!("'{s}' is not a size"), pos, pos + s.len() as u32 + 2)
                .with_help("write bytes as a number, or a string like '64k', '16m', '1g'");
            out.push((module, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen(8080, { idleTimeout: '1 minute' })\n  .demuxHTTP({ bufferSize: 'huge' }).to($=>$\n    .connect('localhost:8081', { connectTimeout: '5sec' })\n  )\n.task('every 5s')\n  .dummy()\n",
    passes: "pipy()\n  .listen(8080, { idleTimeout: '1m', readTimeout: 5 })\n  .demuxHTTP({ bufferSize: '64k' }).to($=>$\n    .connect('localhost:8081', { connectTimeout: '500ms' })\n  )\n.task('5s').dummy()\n.task('SIGHUP').dummy()\n",
}
