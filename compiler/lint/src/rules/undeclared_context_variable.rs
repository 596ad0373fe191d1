//! A context variable (`_x`, `__x`, `$x`) that the module never declares: reading it is a
//! ReferenceError when the callback runs, and writing it keeps a value nothing else can see.

use super::{Found, Rule};
use crate::{Project, did_you_mean};
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule = Rule {
    name: "undeclared-context-variable",
    code: "E0115",
    summary: "a context variable the module never declares",
    run,
};

/// Context variables every module has.
const BUILT_IN: &[&str] = &["__inbound", "__filename"];

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        let f = &m.facts;
        let declared: Vec<&str> = f
            .context_decls
            .iter()
            .map(|(n, _)| n.as_str())
            .chain(f.imports.iter().map(|v| v.name.as_str()))
            .chain(f.fiber_vars.iter().map(String::as_str))
            .chain(BUILT_IN.iter().copied())
            .collect();
        for (name, pos) in f.context_reads.iter().chain(&f.context_writes) {
            if declared.contains(&name.as_str()) {
                continue;
            }
            let d = Diagnostic::error(
                RULE.code,
                format!("context variable `{name}` is not declared"),
                *pos,
                *pos + name.len() as u32,
            );
            let d = match did_you_mean(name, declared.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None if name.starts_with("__") => {
                    d.with_help(format!("import it with `.import({{ {name}: 'namespace' }})`, or export it"))
                }
                None if name.starts_with('$') => d.with_help(format!("declare it with a top-level `var {name}`")),
                None => d.with_help(format!("declare it with `pipy({{ {name}: … }})`")),
            };
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy({ _target: '' })\n  .listen(8080)\n  .handleMessageStart(msg => _targte = msg.head.path)\n  .connect(() => _target + __upstream + $tag)\n",
    passes: "var $tag\npipy({ _target: '' })\n  .import({ __route: 'main' })\n  .listen(8080)\n\
                   .handleMessageStart(msg => { _target = msg.head.path; $tag = __inbound.remoteAddress + __filename })\n\
                   .connect(() => _target + __route + $tag)\n",
}
