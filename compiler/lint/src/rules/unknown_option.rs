//! An options object with a key the filter (or `listen`) does not know: a typo the runtime
//! would only report when the pipeline is built.

use super::{Found, Rule};
use crate::collect::KeyFact;
use crate::{Project, did_you_mean};
use pipy_compiler::diagnostics::Diagnostic;
use pipy_stdlib::pipy::builder::listen_option_keys;

pub const RULE: Rule =
    Rule { name: "unknown-option", code: "E0103", summary: "an option key the filter does not know", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for l in &m.facts.links {
            let Some(spec) = l.filter() else { continue };
            let Some(keys) = l.counted_args().last().and_then(|a| a.object.as_ref()) else { continue };
            if spec.options.is_empty() {
                continue;
            }
            check(&format!("{}()", spec.name), keys, spec.options, i, out);
        }
        for l in &m.facts.listens {
            check("listen()", &l.options, listen_option_keys(), i, out);
        }
    }
}

fn check(what: &str, keys: &[KeyFact], known: &[&str], module: usize, out: &mut Found) {
    for k in keys.iter().filter(|k| !known.contains(&k.key.as_str())) {
        let d = Diagnostic::error(
            RULE.code,
            format!("`{what}` has no option `{}`", k.key),
            k.pos,
            k.pos + k.key.len() as u32,
        );
        let d = match did_you_mean(&k.key, known.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("its options are: {}", known.join(", "))),
        };
        out.push((module, d));
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen(8080, { readTimout: 5 })\n  .demuxHTTP().to($=>$\n    .muxHTTP(() => 'x', { maxIdel: 10, colour: 'red' })\n    .to($=>$.connect('localhost:8081', { retries: 3 }))\n  )\n",
    passes: "pipy.listen(8080, { readTimeout: 5 }, $=>$\n  .demuxHTTP().to($=>$\n    .muxHTTP(() => 'x', { maxIdle: 10 })\n    .to($=>$.connect('localhost:8081', { retryCount: 3 }))\n  )\n)\n",
}
