//! A statement after `return`, `throw`, `break` or `continue` in the same block (warning).

use super::{Found, Rule};
use crate::Project;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule = Rule { name: "unreachable-code", code: "W0204", summary: "a statement that never runs", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for pos in &m.facts.unreachable {
            let d = Diagnostic::warning(RULE.code, "unreachable statement", *pos, *pos + 1)
                .with_help("it follows a `return`, `throw`, `break` or `continue` in the same block");
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen(8080)\n  .replaceMessage(msg => {\n    return new Message('ok')\n    console.log('sent')\n  })\n",
    passes: "pipy()\n  .listen(8080)\n  .replaceMessage(msg => {\n    if (!msg.body) return new Message('empty')\n    return helper(msg)\n    function helper(m) { return m }\n  })\n",
}
