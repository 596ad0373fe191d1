//! A variable, function or class declared and never used (warning).

use super::{Found, Rule};
use crate::Project;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule = Rule { name: "unused-variable", code: "W0203", summary: "a declaration never used", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for (name, pos) in &m.facts.unused {
            let d = Diagnostic::warning(
                RULE.code,
                format!("`{name}` is declared but never used"),
                *pos,
                *pos + name.len() as u32,
            )
            .with_help("remove it, or use it");
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "const upstream = 'localhost:8081'\nfunction helper() { return 1 }\nlet [a, b] = [1, 2]\npipy()\n  .listen(8080)\n  .connect('localhost:8082')\n  .handleData(d => { const size = d.size; console.log(a) })\n",
    passes: "const upstream = 'localhost:8081'\nfunction helper() { return upstream }\nexport const shared = 1\n\
                   pipy()\n  .listen(8080)\n  .connect(helper)\n  .handleData((d, unusedParam) => console.log(d.size))\n",
}
