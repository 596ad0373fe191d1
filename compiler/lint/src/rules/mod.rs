//! The lint rules of `pipy check`, one file each. A rule reads the facts of every module of the
//! project and reports diagnostics as `(module index, Diagnostic)`.
//!
//! Codes: `E0001`–`E0099` are the compiler's (syntax, unsupported syntax), `E01xx` are errors
//! found by rules (the script would fail or misbehave), `W02xx` are warnings.

use super::Project;
use pipy_compiler::diagnostics::Diagnostic;

mod argument_count;
mod bad_duration;
mod const_assign;
mod duplicate_pipeline;
mod duplicate_port;
mod filter_outside_pipeline;
mod missing_file;
mod missing_to;
mod serve_returns_nothing;
mod stray_to;
mod syntax_error;
mod undeclared_context_variable;
mod undefined_pipeline;
mod unexported_import;
mod unknown_filter;
mod unknown_option;
mod unreachable_code;
mod unreached_pipeline;
mod unread_context_variable;
mod unresolved_name;
mod unused_variable;
mod wrong_event_kind;

pub type Found = Vec<(usize, Diagnostic)>;

/// The two tests of a rule on one script: one with the mistakes it finds (its findings
/// snapshotted) and one without (no finding of the rule).
#[cfg(test)]
macro_rules! rule_tests {
    (fails: $fail:expr, passes: $pass:expr $(,)?) => {
        mod tests {
            #[test]
            fn fails() {
                insta::assert_snapshot!(crate::testing::lint($fail, super::RULE.code));
            }

            #[test]
            fn passes() {
                assert_eq!(crate::testing::lint($pass, super::RULE.code), "");
            }
        }
    };
}
#[cfg(test)]
use rule_tests;

pub struct Rule {
    pub name: &'static str,
    pub code: &'static str,
    /// One line: what it finds.
    pub summary: &'static str,
    pub run: fn(&Project, &mut Found),
}

pub static ALL: &[Rule] = &[
    syntax_error::RULE,
    unresolved_name::RULE,
    unknown_filter::RULE,
    argument_count::RULE,
    unknown_option::RULE,
    missing_to::RULE,
    stray_to::RULE,
    undefined_pipeline::RULE,
    unexported_import::RULE,
    missing_file::RULE,
    const_assign::RULE,
    duplicate_port::RULE,
    serve_returns_nothing::RULE,
    wrong_event_kind::RULE,
    filter_outside_pipeline::RULE,
    bad_duration::RULE,
    duplicate_pipeline::RULE,
    undeclared_context_variable::RULE,
    unreached_pipeline::RULE,
    unread_context_variable::RULE,
    unused_variable::RULE,
    unreachable_code::RULE,
];

/// `(a, b?, c?)` → (required, maximum); `…` anywhere means no maximum.
pub fn arity(params: &str) -> (usize, Option<usize>) {
    let inner = params.trim().trim_start_matches('(').trim_end_matches(')');
    if inner.trim().is_empty() {
        return (0, Some(0));
    }
    let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
    let unbounded = parts.iter().any(|p| p.contains('…') || p.contains("..."));
    let required = parts.iter().filter(|p| !p.ends_with('?') && !p.contains('…') && !p.contains("...")).count();
    (required, if unbounded { None } else { Some(parts.len()) })
}

/// `file:line:col` of a position in a module.
pub fn place(p: &Project, module: usize, pos: u32) -> String {
    let m = &p.modules[module];
    let (l, c) = pipy_compiler::diagnostics::line_col(&m.source, pos as usize);
    format!("{}:{l}:{c}", m.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_reads_the_parameter_notation() {
        assert_eq!(arity("()"), (0, Some(0)));
        assert_eq!(arity("(target, options?)"), (1, Some(2)));
        assert_eq!(arity("(condition, target, condition2?, target2?, …, defaultTarget?)"), (2, None));
        assert_eq!(arity("(file | files, pipelineName?, pipelineNameDown?, turnDown?)"), (1, Some(4)));
    }

    /// A rule is found by its name: `pipy check` says `unknown-filter`, the file is
    /// `rules/unknown_filter.rs`.
    #[test]
    fn every_rule_lives_in_the_file_named_after_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        for rule in ALL {
            let file = dir.join(format!("{}.rs", rule.name.replace('-', "_")));
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(
                text.contains(&format!("name: \"{}\"", rule.name)),
                "rule {} is not in {}",
                rule.name,
                file.display()
            );
        }
    }

    #[test]
    fn there_are_at_least_fifteen_rules_with_distinct_codes() {
        let mut codes: Vec<&str> = ALL.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert!(codes.len() >= 15 && codes.len() == ALL.len());
    }
}
