//! A filter in a Configuration chain before any `listen()`, `pipeline()` or `task()`: there is no
//! pipeline to add it to.

use super::{Found, Rule};
use crate::Project;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "filter-outside-pipeline", code: "E0112", summary: "a filter before any pipeline is started", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for l in m.facts.links.iter().filter(|l| l.config && l.section.is_none() && l.filter().is_some()) {
            let d = Diagnostic::error(RULE.code, format!("`{}()` is not in any pipeline", l.name), l.pos, l.end)
                .with_help("start a pipeline first with `.listen(port)`, `.pipeline(name)` or `.task()`");
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy({ _n: 0 })\n  .dump()\n  .listen(8080)\n  .dummy()\n",
    passes: "pipy({ _n: 0 })\n  .export('x', { __a: 1 })\n  .listen(8080)\n  .dump()\n",
}
