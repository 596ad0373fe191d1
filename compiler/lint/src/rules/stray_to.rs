//! `.to(…)` after a filter that takes no sub-pipeline (or after one that already has it).

use super::missing_to::wants_to;
use super::{Found, Rule};
use crate::Project;
use crate::collect::What;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "stray-to", code: "E0105", summary: "`.to(…)` after a filter that takes no sub-pipeline", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        let links = &m.facts.links;
        for l in links.iter().filter(|l| l.name == "to") {
            let message = match l.prev.map(|j| &links[j]) {
                None => "`.to()` has no filter before it".to_string(),
                Some(prev) if prev.name == "to" => "a second `.to()` for the same filter".to_string(),
                Some(prev) if wants_to(prev) => continue,
                Some(prev) if matches!(prev.what, What::Unknown) => continue, // reported as unknown
                Some(prev) if prev.filter().is_some_and(|s| s.joint) => {
                    format!("`{}()` already has its sub-pipeline from its arguments", prev.name)
                }
                Some(prev) => format!("`{}()` takes no sub-pipeline", prev.name),
            };
            let d = Diagnostic::error(RULE.code, message, l.pos, l.end).with_help(
                "`.to()` follows a joint filter: demuxHTTP, muxHTTP, fork, link, mux, demux, loop, repeat, replay",
            );
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen(8080)\n  .dump().to('x')\n  .demuxHTTP('x').to('x')\n.pipeline('x')\n  .fork().to('x').to('x')\n",
    passes: "pipy()\n  .listen(8080)\n  .demuxHTTP().to('x')\n.pipeline('x')\n  .fork().to($=>$.dummy())\n  .replaceMessage(new Message('ok'))\n",
}
