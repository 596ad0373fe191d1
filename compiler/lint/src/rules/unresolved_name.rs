//! A name nothing declares and the global object lacks: a ReferenceError when it runs.

use super::{Found, Rule};
use crate::{Project, did_you_mean};
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule = Rule { name: "unresolved-name", code: "E0100", summary: "a name that nothing declares", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for (name, pos) in &m.facts.unresolved {
            let candidates = m.facts.declared.iter().chain(&p.globals).map(String::as_str);
            let mut d = Diagnostic::error(
                RULE.code,
                format!("cannot find `{name}` in this scope"),
                *pos,
                *pos + name.len() as u32,
            );
            if let Some(s) = did_you_mean(name, candidates) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "const upstream = 'localhost:8080'\npipy().listen(8000).connect(upstrem)\nconsole.log(JSON.strigify({}), Mesage)\n",
    passes: "const upstream = 'localhost:8080'\n\
                   pipy().listen(8000).connect(upstream)\n\
                   if (typeof maybeGlobal === 'undefined') console.log(new Message(), algo.hash('x'), os.env)\n",
}
