//! A filter or Configuration method called with too few or too many arguments.

use super::{Found, Rule, arity};
use crate::Project;
use crate::collect::What;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "argument-count", code: "E0102", summary: "a filter called with the wrong number of arguments", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for l in &m.facts.links {
            let params = match l.what {
                What::Filter(s) => s.params,
                What::Method(s) => s.params,
                What::Unknown => continue,
            };
            let args = l.counted_args();
            if args.iter().any(|a| a.spread) {
                continue;
            }
            let (min, max) = arity(params);
            let n = args.len();
            if n >= min && max.is_none_or(|max| n <= max) {
                continue;
            }
            let expected = match max {
                Some(max) if max == min => format!("{min}"),
                Some(max) if max == min + 1 => format!("{min} or {max}"),
                Some(max) => format!("{min} to {max}"),
                None => format!("at least {min}"),
            };
            let plural = if expected == "1" { "argument" } else { "arguments" };
            let d = Diagnostic::error(
                RULE.code,
                format!(
                    "`{}()` takes {expected} {plural} but {n} {} given",
                    l.name,
                    if n == 1 { "was" } else { "were" }
                ),
                l.pos,
                l.end,
            )
            .with_help(format!("it is called as {}{params}", l.name));
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen()\n  .connect()\n  .dump('a', 'b')\n  .pipeline('x', 'y')\n  .branch(() => true)\n",
    passes: "pipy()\n  .listen(8080)\n  .demuxHTTP('req', { maxMessages: 1 })\n\
                   .pipeline('req')\n  .branch(() => true, 'a', () => false, 'b', 'c')\n\
                   .pipeline('a').dump().pipeline('b').dump('b').pipeline('c').connect('localhost:1', {})\n",
}
