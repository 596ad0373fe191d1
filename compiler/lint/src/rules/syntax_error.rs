//! Syntax errors and what the compiler refuses (unsupported syntax, early errors).

use super::{Found, Rule};
use crate::Project;

pub const RULE: Rule = Rule { name: "syntax-error", code: "E0001", summary: "the script does not parse", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        out.extend(m.syntax.iter().map(|d| (i, d.clone())));
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen(8080\n  .dump()\n",
    passes: "pipy()\n  .listen(8080)\n  .dump()\n",
}
