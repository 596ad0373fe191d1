//! `pipy check`: parses, resolves and lints a main script and every module it reaches, without
//! running anything.
//!
//! Three steps:
//! 1. `Project::load` parses the main script, collects its facts (`collect`), and follows what it
//!    reaches (`use`, `chain`, `import`, `pipy.solve`, JSON of `pipy.load`) to more modules.
//! 2. Every rule of `rules::ALL` reads the facts of all modules and reports `Diagnostic`s.
//! 3. `Report` renders them like rustc (or as JSON for editors).
//!
//! Facts are plain data (names, positions, static values), so a rule is a short function over
//! them and lives in a file of its own with its tests.
//!
//! Architecture invariant: the linter never runs a script and never opens a socket; it reads
//! the engine's filter registry and the standard library's builder table, and uses the
//! compiler's front end only (no code generation).

#![forbid(unsafe_code)]

pub mod collect;
pub mod rules;

use collect::Facts;
use pipy_compiler::diagnostics::{Diagnostic, Severity, line_col};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One script of the project.
pub struct Module {
    /// The name diagnostics show (the path as the user would type it).
    pub name: String,
    /// Where it is on disk (canonical when it exists): the module's identity.
    pub path: PathBuf,
    pub source: String,
    /// Parse and resolve errors (the module has no other facts when there are any).
    pub syntax: Vec<Diagnostic>,
    pub facts: Facts,
}

/// The main script and what it reaches.
pub struct Project {
    pub modules: Vec<Module>,
    /// The folder paths in scripts are relative to (the main script's).
    pub root: PathBuf,
    /// Some `use`/`chain` names modules that cannot be known without running the script: checks
    /// that need every module (undefined or unreached pipelines, imports) are skipped then.
    pub incomplete: bool,
    /// Names the global object has.
    pub globals: Vec<String>,
}

/// Where a diagnostic is.
pub struct Finding {
    pub module: usize,
    pub rule: &'static str,
    pub diag: Diagnostic,
}

impl Project {
    /// Loads `main` (a path as given on the command line) and every module it reaches.
    pub fn load(main: &Path) -> Project {
        let root = main.parent().map(Path::to_path_buf).unwrap_or_default();
        let display = root.to_string_lossy().into_owned();
        let prefix = if display.is_empty() { String::new() } else { format!("{}/", display.trim_end_matches('/')) };
        let main_rel = main.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        Project::load_in(&root, &main_rel, &prefix)
    }

    /// Loads `main_rel` from `root`; module names are `prefix` + their path from the root.
    pub fn load_in(root: &Path, main_rel: &str, prefix: &str) -> Project {
        // A realm with the standard library: global names, and `pipy.load` of config files
        // for static values. No script runs.
        pipy_stdlib::new_realm();
        pipy_stdlib::pipy::set_codebase_root(root);
        let mut p =
            Project { modules: Vec::new(), root: root.to_path_buf(), incomplete: false, globals: global_names() };
        let mut queue = vec![(main_rel.to_string(), root.join(main_rel))];
        let mut seen: HashMap<PathBuf, ()> = HashMap::new();
        while let Some((rel, full)) = queue.pop() {
            let key = identity(&full);
            if seen.insert(key.clone(), ()).is_some() {
                continue;
            }
            let Ok(source) = std::fs::read_to_string(&full) else {
                // The module that names it reports the missing file.
                if p.modules.is_empty() {
                    p.modules.push(Module {
                        name: format!("{prefix}{rel}"),
                        path: key,
                        source: String::new(),
                        syntax: vec![Diagnostic::error("E0108", format!("cannot read `{prefix}{rel}`"), 0, 0)],
                        facts: Facts::default(),
                    });
                }
                continue;
            };
            let name = format!("{prefix}{rel}");
            let (syntax, facts) = match pipy_compiler::analyze(&name, &source) {
                Ok((script, res)) => (Vec::new(), collect::collect(&script, &res, root, &full, &p.globals)),
                Err(d) => (d, Facts::default()),
            };
            p.incomplete |= facts.dynamic_modules;
            for s in &facts.scripts {
                queue.push((s.rel.clone(), s.full.clone()));
            }
            p.modules.push(Module { name, path: key, source, syntax, facts });
        }
        p
    }

    /// The module whose identity is `path`.
    pub fn module_at(&self, path: &Path) -> Option<usize> {
        let key = identity(path);
        self.modules.iter().position(|m| m.path == key)
    }

    /// Runs every rule; findings in module order, then by position.
    pub fn check(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in rules::ALL {
            let mut found = Vec::new();
            (rule.run)(self, &mut found);
            out.extend(found.into_iter().map(|(module, diag)| Finding { module, rule: rule.name, diag }));
        }
        out.sort_by_key(|f| (f.module, f.diag.start, f.diag.code));
        out
    }
}

/// A module's identity: its canonical path when it exists.
pub fn identity(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

fn global_names() -> Vec<String> {
    let global = pipy_value::Value::Object(pipy_value::realm::intrinsics().global.clone());
    let mut v = pipy_value::ops::property_names(&global);
    v.push("undefined".into());
    v.sort();
    v.dedup();
    v
}

/// How `pipy check` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// The outcome of checking some files: what to print and the exit code.
pub struct Report {
    pub text: String,
    pub errors: usize,
    pub warnings: usize,
}

impl Report {
    pub fn exit_code(&self) -> u8 {
        if self.errors > 0 { 1 } else { 0 }
    }
}

/// Checks each main script (with what it reaches) and renders the findings.
pub fn check_files(files: &[PathBuf], format: Format) -> Report {
    let mut projects = Vec::new();
    for f in files {
        projects.push(Project::load(f));
    }
    render(&projects, format)
}

/// Renders the findings of several projects.
pub fn render(projects: &[Project], format: Format) -> Report {
    let mut text = String::new();
    let (mut errors, mut warnings) = (0, 0);
    let mut json = Vec::new();
    let mut modules = 0;
    for p in projects {
        modules += p.modules.len();
        for f in p.check() {
            let m = &p.modules[f.module];
            match f.diag.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            match format {
                Format::Human => {
                    text.push_str(&f.diag.render(&m.name, &m.source));
                    text.push('\n');
                }
                Format::Json => json.push(json_finding(&f, m)),
            }
        }
    }
    match format {
        Format::Human => {
            let plural = |n: usize, w: &str| if n == 1 { format!("1 {w}") } else { format!("{n} {w}s") };
            let checked = plural(modules, "module");
            if errors > 0 {
                text.push_str(&format!(
                    "error: checked {checked}: {}, {}\n",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                ));
            } else {
                text.push_str(&format!("checked {checked}: no errors, {}\n", plural(warnings, "warning")));
            }
        }
        Format::Json => {
            text = format!("[{}]\n", json.join(",\n "));
        }
    }
    Report { text, errors, warnings }
}

fn json_finding(f: &Finding, m: &Module) -> String {
    let (line, column) = line_col(&m.source, f.diag.start as usize);
    let (end_line, end_column) = line_col(&m.source, f.diag.end as usize);
    let severity = if f.diag.is_error() { "error" } else { "warning" };
    let help = f.diag.help.as_deref().map(json_string).unwrap_or_else(|| "null".into());
    format!(
        "{{\"file\": {}, \"line\": {line}, \"column\": {column}, \"endLine\": {end_line}, \"endColumn\": {end_column}, \
         \"severity\": \"{severity}\", \"code\": \"{}\", \"rule\": \"{}\", \"message\": {}, \"help\": {help}}}",
        json_string(&m.name),
        f.diag.code,
        f.rule,
        json_string(&f.diag.message),
    )
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The closest of `candidates` to `name`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// Levenshtein distance (with adjacent transpositions counted as one edit).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
pub mod testing {
    //! Helpers for the rules' tests: a project from sources written to a fresh folder.
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static NEXT: AtomicUsize = AtomicUsize::new(0);

    /// Writes `files` (path, content) to a fresh folder and checks the first one.
    pub fn project(files: &[(&str, &str)]) -> Project {
        let dir = std::env::temp_dir().join(format!(
            "pipy-check-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        for (path, content) in files {
            let p = dir.join(path);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("temp folder");
            }
            std::fs::write(&p, content).expect("temp file");
        }
        let p = Project::load_in(&dir, files[0].0, "");
        let _ = std::fs::remove_dir_all(&dir);
        p
    }

    /// The rendered findings of rule `code` only (other rules' findings are left out).
    pub fn findings(files: &[(&str, &str)], code: &str) -> String {
        let p = project(files);
        let mut text = String::new();
        for f in p.check().into_iter().filter(|f| f.diag.code == code) {
            let m = &p.modules[f.module];
            text.push_str(&f.diag.render(&m.name, &m.source));
        }
        text
    }

    /// Checks one script.
    pub fn lint(source: &str, code: &str) -> String {
        findings(&[("main.js", source)], code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_reached_by_import_and_solve_are_checked() {
        let p = testing::project(&[
            (
                "main.js",
                "import { port } from './lib/ports.js'\nvar conf = pipy.solve('conf.js')\npipy().listen(port).dumpp()\n",
            ),
            ("lib/ports.js", "export const port = 8080\nexport const unused = Mesage\n"),
            ("conf.js", "pipy().pipeline('x').lisen(1)\n"),
        ]);
        let names: Vec<&str> = p.modules.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        let found: Vec<(String, &str)> =
            p.check().iter().map(|f| (p.modules[f.module].name.clone(), f.diag.code)).collect();
        assert!(found.contains(&("main.js".into(), "E0101")), "{found:?}");
        assert!(found.contains(&("lib/ports.js".into(), "E0100")), "{found:?}");
        assert!(found.contains(&("conf.js".into(), "E0101")), "{found:?}");
    }

    #[test]
    fn suggestions_are_close_names_only() {
        assert_eq!(did_you_mean("lisen", ["listen", "link"]), Some("listen"));
        assert_eq!(did_you_mean("demuxHttp", ["demuxHTTP", "demux"]), Some("demuxHTTP"));
        assert_eq!(did_you_mean("xyz", ["listen"]), None);
        assert_eq!(edit_distance("ab", "ba"), 1);
    }
}
