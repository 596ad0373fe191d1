//! A context variable that is written and never read (warning): the work is wasted, or a read
//! has a typo.

use super::{Found, Rule};
use crate::Project;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "unread-context-variable", code: "W0202", summary: "a context variable never read", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for (name, pos) in &m.facts.context_decls {
            // `__x` may be imported and read by any module; `_x` belongs to this one.
            let shared = name.starts_with("__");
            if shared && p.incomplete {
                continue;
            }
            let scope: Vec<usize> = if shared { (0..p.modules.len()).collect() } else { vec![i] };
            let read = scope.iter().any(|&j| p.modules[j].facts.context_reads.iter().any(|(n, _)| n == name));
            if read {
                continue;
            }
            let written = scope.iter().any(|&j| p.modules[j].facts.context_writes.iter().any(|(n, _)| n == name));
            let message = if written {
                format!("context variable `{name}` is written but never read")
            } else {
                format!("context variable `{name}` is never used")
            };
            let d = Diagnostic::warning(RULE.code, message, *pos, *pos + name.len() as u32)
                .with_help("remove it, or read it where it was meant to be used");
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy({\n  _target: '',\n  _count: 0,\n})\n  .listen(8080)\n  .handleMessageStart(msg => _target = msg.head.path)\n  .dump()\n",
    passes: "pipy({ _target: '' })\n  .listen(8080)\n  .handleMessageStart(msg => _target = msg.head.path)\n  .connect(() => _target)\n",
}
