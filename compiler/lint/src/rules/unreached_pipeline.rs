//! A named pipeline that nothing streams into (warning).

use super::{Found, Rule};
use crate::Project;
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "unreached-pipeline", code: "W0201", summary: "a pipeline that nothing streams into", run };

fn run(p: &Project, out: &mut Found) {
    if p.incomplete {
        return; // a module we cannot see may use it
    }
    for (i, m) in p.modules.iter().enumerate() {
        for d in m.facts.defs.iter().filter(|d| !d.name.is_empty()) {
            let used = p.modules.iter().enumerate().any(|(j, other)| {
                other.facts.refs.iter().any(|r| {
                    r.name == d.name
                        && match &r.module {
                            None => j == i,
                            Some(path) => p.module_at(path) == Some(i),
                        }
                })
            });
            if !used {
                let diag = Diagnostic::warning(RULE.code, format!("pipeline `{}` is never used", d.name), d.pos, d.end)
                    .with_help(
                        "nothing links to it: use it with `.to()`, `link()`, `use()` or a joint filter, or remove it",
                    );
                out.push((i, diag));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{findings, lint};

    #[test]
    fn fails() {
        insta::assert_snapshot!(lint(
            "pipy()\n  .listen(8080)\n  .demuxHTTP('request')\n.pipeline('request')\n  .dump()\n.pipeline('old-request')\n  .dummy()\n",
            "W0201"
        ));
    }

    #[test]
    fn passes() {
        let main =
            "pipy()\n  .listen(8080)\n  .demuxHTTP('request')\n.pipeline('request')\n  .use(['a.js'], 'request')\n";
        let plugin = "pipy()\n.pipeline('request')\n  .link('forward')\n.pipeline('forward')\n  .dump()\n";
        assert_eq!(findings(&[("main.js", main), ("a.js", plugin)], "W0201"), "");
    }
}
