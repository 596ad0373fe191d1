//! A `serveHTTP` handler that can end without returning a Message: that request gets no answer.

use super::{Found, Rule};
use crate::Project;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "serve-returns-nothing", code: "E0111", summary: "a serveHTTP handler that can return nothing", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for l in m.facts.links.iter().filter(|l| l.name == "serveHTTP" && l.filter().is_some()) {
            let Some(f) = l.args.first().and_then(|a| a.func.as_ref()) else { continue };
            if !f.may_return_nothing {
                continue;
            }
            let d = Diagnostic::error(
                RULE.code,
                "this `serveHTTP` handler can return nothing",
                f.nothing_at,
                f.nothing_at + 1,
            )
            .with_help("return a Message (or a Promise of one) on every path, e.g. `new Message({ status: 404 })`");
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy.listen(8080, $=>$.serveHTTP(req => {\n  if (req.head.path === '/') return new Message('home')\n}))\n\
             pipy.listen(8081, $=>$.serveHTTP(req => req.head.path === '/' ? new Message('home') : undefined))\n\
             pipy.listen(8082, $=>$.serveHTTP(req => {\n  if (!req.body) return\n  return new Message(req.body)\n}))\n",
    passes: "pipy.listen(8080, $=>$.serveHTTP(req => {\n  if (req.head.path === '/') return new Message('home')\n  else return new Message({ status: 404 })\n}))\n\
                   pipy.listen(8081, $=>$.serveHTTP(req => new Message(req.body)))\n\
                   pipy.listen(8082, $=>$.serveHTTP(new Message('static')))\n\
                   pipy.listen(8083, $=>$.serveHTTP(req => {\n  switch (req.head.method) {\n    case 'GET': return new Message('get')\n    default: throw new Error('no')\n  }\n}))\n",
}
