//! A joint filter (one that streams into a sub-pipeline) with nothing to stream into.

use super::{Found, Rule};
use crate::Project;
use crate::collect::{Link, What};
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "missing-to", code: "E0104", summary: "a joint filter without `.to(…)` after it", run };

/// The filter takes its sub-pipeline as an argument here (`link('x')`, `loop($=>$…)`).
fn given_inline(l: &Link) -> bool {
    l.inline_sub
        || l.filter().is_some_and(|s| {
            let first = s.params.trim_start_matches('(').split([',', ')', '?', ' ']).next().unwrap_or("");
            (first == "target" || first == "sub") && !l.args.is_empty()
        })
}

/// A link that wants `.to(…)` after it.
pub fn wants_to(l: &Link) -> bool {
    match l.what {
        What::Filter(s) => s.joint && !given_inline(l),
        // `repeat(condition).to(…)`: the filter form of repeat.
        What::Method(m) => m.name == "repeat" && l.args.len() == 1,
        What::Unknown => false,
    }
}

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for l in m.facts.links.iter().filter(|l| wants_to(l) && !l.next_is_to) {
            let d = Diagnostic::error(RULE.code, format!("`{}()` has no sub-pipeline", l.name), l.pos, l.end)
                .with_help(format!("add `.to('pipeline-name')` or `.to($=>$…)` right after `{}()`", l.name));
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen(8080)\n  .demuxHTTP()\n  .dump()\n\npipy.listen(8081, $=>$.fork().dummy())\n",
    passes: "pipy()\n  .listen(8080)\n  .demuxHTTP('req')\n\
                   .pipeline('req')\n  .link('up')\n\
                   .pipeline('up')\n  .muxHTTP().to($=>$.connect('localhost:1'))\n\
                   .listen(8081).fork().to('up').dummy()\n",
}
