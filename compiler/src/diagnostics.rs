//! One diagnostics type and one renderer for the whole compiler (and `pipy check`).
//!
//! Every pass reports problems as `Diagnostic`s; constructors for each kind of problem live in
//! the pass that finds it. Rendering follows rustc:
//!
//! ```text
//! error[E0001]: unexpected token `)`
//!  --> script.js:3:14
//!   |
//! 3 | let x = foo(1,;
//!   |              ^
//!   = help: …
//! ```

use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code such as `E0001`.
    pub code: &'static str,
    pub message: String,
    /// Byte offsets into the source.
    pub start: u32,
    pub end: u32,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, start: u32, end: u32) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code, message: message.into(), start, end: end.max(start), help: None }
    }
    pub fn warning(code: &'static str, message: impl Into<String>, start: u32, end: u32) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            start,
            end: end.max(start),
            help: None,
        }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column (in characters) of `start` within `source`.
    pub fn line_col(&self, source: &str) -> (usize, usize) {
        line_col(source, self.start as usize)
    }

    /// Renders the diagnostic like rustc does, against the file's source text.
    pub fn render(&self, file: &str, source: &str) -> String {
        let (line, col) = self.line_col(source);
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = String::new();
        let _ = writeln!(out, "{kind}[{}]: {}", self.code, self.message);
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {file}:{line}:{col}");
        let _ = writeln!(out, "{pad} |");
        let text = source.lines().nth(line - 1).unwrap_or("");
        let _ = writeln!(out, "{line} | {text}");
        let width = {
            let start = self.start as usize;
            let end = (self.end as usize).min(source.len());
            let line_end = source[start.min(source.len())..].find('\n').map(|i| i + start).unwrap_or(source.len());
            source.get(start..end.min(line_end)).map(|s| s.chars().count()).unwrap_or(0).max(1)
        };
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(col - 1), "^".repeat(width));
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

/// 1-based line and column (in characters) of byte offset `offset`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = source.get(line_start..offset).map(|s| s.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let src = "let a = 1;\nlet b = foo(1,;\n";
        let d = Diagnostic::error("E0001", "unexpected token `;`", 25, 26).with_help("remove the comma");
        insta::assert_snapshot!(d.render("t.js", src), @r"
        error[E0001]: unexpected token `;`
         --> t.js:2:15
          |
        2 | let b = foo(1,;
          |               ^
          = help: remove the comma
        ");
    }
}
