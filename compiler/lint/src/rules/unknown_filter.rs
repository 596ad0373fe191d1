//! A chain calls a method that is neither a filter nor a Configuration method.

use super::{Found, Rule};
use crate::collect::What;
use crate::{Project, did_you_mean};
use pipy_compiler::diagnostics::Diagnostic;
use pipy_engine::filters;
use pipy_stdlib::pipy::builder::METHODS;

pub const RULE: Rule =
    Rule { name: "unknown-filter", code: "E0101", summary: "no filter or Configuration method of that name", run };

fn run(p: &Project, out: &mut Found) {
    let names: Vec<&str> = filters::all().iter().map(|s| s.name).chain(METHODS.iter().map(|m| m.name)).collect();
    for (i, m) in p.modules.iter().enumerate() {
        for l in m.facts.links.iter().filter(|l| matches!(l.what, What::Unknown)) {
            let mut d = Diagnostic::error(RULE.code, format!("no filter or method named `{}`", l.name), l.pos, l.end);
            d = match did_you_mean(&l.name, names.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help("`pipy --list-filters` lists every filter"),
            };
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .lisen(8080)\n  .demuxHttp()\n  .to($=>$.serveHTTP(new Message('hi')).frobnicate())\n",
    passes: "pipy()\n  .listen(8080)\n  .demuxHTTP().to($=>$.serveHTTP(new Message('hi')))\n\
                   pipy.listen(8081, $=>$.dump().dummy())\n",
}
