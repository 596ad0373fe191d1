//! `.import({ __x: 'ns' })` of a variable no module exports under that namespace.

use super::{Found, Rule};
use crate::{Project, did_you_mean};
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "unexported-import", code: "E0107", summary: "an imported __variable that no module exports", run };

fn run(p: &Project, out: &mut Found) {
    if p.incomplete {
        return;
    }
    let exports: Vec<(&str, &str, usize)> = p
        .modules
        .iter()
        .enumerate()
        .flat_map(|(i, m)| m.facts.exports.iter().map(move |e| (e.namespace.as_str(), e.name.as_str(), i)))
        .collect();
    for (i, m) in p.modules.iter().enumerate() {
        for imp in &m.facts.imports {
            if exports.iter().any(|(ns, n, _)| *ns == imp.namespace && *n == imp.name) {
                continue;
            }
            let d = Diagnostic::error(
                RULE.code,
                format!("no module exports `{}` in namespace '{}'", imp.name, imp.namespace),
                imp.pos,
                imp.pos + imp.name.len() as u32,
            );
            let elsewhere = exports.iter().find(|(_, n, _)| *n == imp.name);
            let d = match (
                elsewhere,
                did_you_mean(&imp.name, exports.iter().filter(|e| e.0 == imp.namespace).map(|e| e.1)),
            ) {
                (Some((ns, _, at)), _) => {
                    d.with_help(format!("`{}` exports it in namespace '{ns}'", p.modules[*at].name))
                }
                (None, Some(s)) => d.with_help(format!("did you mean `{s}`?")),
                (None, None) => {
                    d.with_help(format!("export it with `.export('{}', {{ {}: … }})`", imp.namespace, imp.name))
                }
            };
            out.push((i, d));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::findings;

    const MAIN: &str =
        "pipy()\n  .export('proxy', { __turnDown: false })\n  .listen(8080)\n  .use(['a.js'], 'request')\n";

    #[test]
    fn fails() {
        insta::assert_snapshot!(findings(
            &[
                ("main.js", MAIN),
                (
                    "a.js",
                    "pipy()\n  .import({\n    __turnDown: 'router',\n    __turndown: 'proxy',\n    __route: 'proxy',\n  })\n.pipeline('request')\n  .handleMessageStart(() => __turnDown = __route)\n"
                ),
            ],
            "E0107"
        ));
    }

    #[test]
    fn passes() {
        let plugin = "pipy()\n  .import({ __turnDown: 'proxy' })\n.pipeline('request')\n  .handleMessageStart(() => __turnDown = true)\n";
        assert_eq!(findings(&[("main.js", MAIN), ("a.js", plugin)], "E0107"), "");
    }
}
