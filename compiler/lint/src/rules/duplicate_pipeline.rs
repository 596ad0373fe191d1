//! Two pipelines of one module with the same name: the second replaces the first.

use super::{Found, Rule, place};
use crate::Project;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "duplicate-pipeline", code: "E0114", summary: "a pipeline name defined twice in one module", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        let defs = &m.facts.defs;
        for (j, d) in defs.iter().enumerate() {
            let Some(first) = defs[..j].iter().find(|e| e.name == d.name) else { continue };
            let what = if d.name.is_empty() {
                "the entry pipeline (no name)".to_string()
            } else {
                format!("pipeline `{}`", d.name)
            };
            let diag = Diagnostic::error(RULE.code, format!("{what} is defined twice"), d.pos, d.end)
                .with_help(format!("the first definition is at {}; rename one of them", place(p, i, first.pos)));
            out.push((i, diag));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen(8080)\n  .link('a')\n.pipeline('a')\n  .dump()\n.pipeline('a')\n  .dummy()\n",
    passes: "pipy()\n  .listen(8080)\n  .link('a')\n.pipeline('a')\n  .link('b')\n.pipeline('b')\n  .dummy()\n",
}
