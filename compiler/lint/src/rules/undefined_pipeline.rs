//! A pipeline name used (`.to('x')`, `demuxHTTP('x')`, `link('x')`, `use(file, 'x')`) and never
//! defined with `.pipeline('x')`.

use super::{Found, Rule};
use crate::{Project, did_you_mean};
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "undefined-pipeline", code: "E0106", summary: "a sub-pipeline name that is never defined", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for r in &m.facts.refs {
            if !r.required {
                continue;
            }
            let target = match &r.module {
                None => i,
                Some(path) => match p.module_at(path) {
                    Some(t) if p.modules[t].syntax.is_empty() => t,
                    _ => continue, // missing or broken: other rules say so
                },
            };
            let defs = &p.modules[target].facts.defs;
            if defs.iter().any(|d| d.name == r.name) {
                continue;
            }
            let message = if target == i {
                format!("no pipeline named `{}` in this module", r.name)
            } else {
                format!("`{}` has no pipeline named `{}`", p.modules[target].name, r.name)
            };
            let d = Diagnostic::error(RULE.code, message, r.pos, r.end);
            let d = match did_you_mean(&r.name, defs.iter().map(|d| d.name.as_str())) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("define it with `.pipeline('{}')`", r.name)),
            };
            out.push((i, d));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{findings, lint};

    #[test]
    fn fails() {
        insta::assert_snapshot!(lint(
            "pipy()\n  .listen(8080)\n  .demuxHTTP('reqest')\n\n.pipeline('request')\n  .link('upstream')\n",
            "E0106"
        ));
    }

    #[test]
    fn fails_across_modules() {
        insta::assert_snapshot!(findings(
            &[
                ("main.js", "pipy()\n  .listen(8080)\n  .use('plugin.js', 'sesion')\n"),
                ("plugin.js", "pipy()\n.pipeline('session')\n  .dump()\n"),
            ],
            "E0106"
        ));
    }

    #[test]
    fn passes() {
        let src = "pipy()\n  .listen(8080)\n  .demuxHTTP('request')\n\n.pipeline('request')\n  .link('up', () => false, '')\n.pipeline('up').dump()\n";
        assert_eq!(lint(src, "E0106"), "");
    }
}
