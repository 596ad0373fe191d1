//! A file the script reads or a module it reaches (`pipy.load`, `use`, `chain`, `pipy.solve`,
//! `import`) that does not exist.

use super::{Found, Rule};
use crate::{Project, did_you_mean};
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "missing-file", code: "E0108", summary: "a file or module that does not exist", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        for f in m.facts.files.iter().chain(&m.facts.scripts).filter(|f| !f.exists) {
            let d = Diagnostic::error(
                RULE.code,
                format!("`{}` reads `{}`, which does not exist", f.by, f.rel),
                f.pos,
                f.end,
            );
            // Suggest a file of the same folder with a close name.
            let dir = f.full.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
            let siblings: Vec<String> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            let wanted = f.full.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let d = match did_you_mean(&wanted, siblings.iter().map(String::as_str)) {
                Some(s) => d.with_help(format!("did you mean `{s}`? (paths are relative to the main script's folder)")),
                None => d.with_help("paths are relative to the main script's folder"),
            };
            out.push((i, d));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::findings;

    #[test]
    fn fails() {
        insta::assert_snapshot!(findings(
            &[
                (
                    "main.js",
                    "((config) =>\npipy()\n  .listen(config.port)\n  .use(['plugins/router.js', 'plugins/balancer.js'], 'request')\n)(JSON.decode(pipy.load('config/proxi.json')))\n",
                ),
                ("config/proxy.json", "{\"port\": 8080}"),
                ("plugins/router.js", "pipy().pipeline('request').dump()\n"),
            ],
            "E0108"
        ));
    }

    #[test]
    fn passes() {
        assert_eq!(
            findings(
                &[
                    (
                        "main.js",
                        "((config) =>\npipy()\n  .listen(config.port)\n  .use(config.plugins, 'request')\n)(JSON.decode(pipy.load('config/proxy.json')))\n"
                    ),
                    ("config/proxy.json", "{\"port\": 8080, \"plugins\": [\"plugins/router.js\"]}"),
                    ("plugins/router.js", "pipy().pipeline('request').dump()\n"),
                ],
                "E0108"
            ),
            ""
        );
    }
}
