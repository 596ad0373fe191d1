//! Assignment to a `const` or to an imported binding: a TypeError when it runs.

use super::{Found, Rule, place};
use crate::Project;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "const-assign", code: "E0109", summary: "assignment to a constant or an import", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for a in &m.facts.const_assigns {
            let (what, help) = if a.import {
                (
                    "an imported binding",
                    format!(
                        "`{}` is imported at {}; copy it into a `let` to change it",
                        a.name,
                        place(p, i, a.decl_pos)
                    ),
                )
            } else {
                (
                    "a constant",
                    format!(
                        "`{}` is declared with `const` at {}; use `let` to change it",
                        a.name,
                        place(p, i, a.decl_pos)
                    ),
                )
            };
            let d = Diagnostic::error(
                RULE.code,
                format!("cannot assign to `{}`, {what}", a.name),
                a.pos,
                a.pos + a.name.len() as u32,
            )
            .with_help(help);
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "const count = 0\npipy()\n  .listen(8080)\n  .handleStreamStart(() => { count++ })\n  .handleStreamEnd(() => count = 0)\n",
    passes: "let count = 0\nconst limit = 10\npipy()\n  .listen(8080)\n  .handleStreamStart(() => { if (count < limit) count++ })\n",
}
