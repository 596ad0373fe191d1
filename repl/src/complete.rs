//! Tab completion for the shell: dot-commands, global names, and property names after a dotted
//! path of globals (`pipy.lo` → `pipy.load`, `JSON.st` → `JSON.stringify`). Paths are looked up
//! property by property from the global object; nothing is evaluated.

use pipy_value::{PropKey, Value, ops, realm};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

pub struct Completions;

const COMMANDS: &[&str] = &[".help", ".load", ".pipelines", ".send", ".leaks", ".exit"];

/// Candidates for the word ending at the cursor: `(start, candidates)`.
pub fn candidates(line: &str, pos: usize) -> (usize, Vec<String>) {
    let before = &line[..pos.min(line.len())];
    if before.starts_with('.') && !before.contains(' ') {
        return (0, COMMANDS.iter().filter(|c| c.starts_with(before)).map(|c| c.to_string()).collect());
    }
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &before[start..];
    let (path, partial) = match word.rfind('.') {
        Some(i) => (&word[..i], &word[i + 1..]),
        None => ("", word),
    };
    let mut v = Value::Object(realm::intrinsics().global.clone());
    if !path.is_empty() {
        for part in path.split('.') {
            if part.is_empty() {
                return (pos, Vec::new());
            }
            v = match ops::get(&v, &PropKey::from(part)) {
                Ok(x) if !x.is_nullish() => x,
                _ => return (pos, Vec::new()),
            };
        }
    }
    let prefix_len = start + if path.is_empty() { 0 } else { path.len() + 1 };
    let list = ops::property_names(&v).into_iter().filter(|k| k.starts_with(partial) && !k.starts_with('%')).collect();
    (prefix_len, list)
}

impl Completer for Completions {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, list) = candidates(line, pos);
        Ok((start, list.into_iter().map(|c| Pair { display: c.clone(), replacement: c }).collect()))
    }
}

impl Hinter for Completions {
    type Hint = String;
}

impl Highlighter for Completions {}

impl Validator for Completions {}

impl Helper for Completions {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_commands_globals_and_paths() {
        pipy_program::init();
        assert_eq!(candidates(".pi", 3), (0, vec![".pipelines".to_string()]));
        let (start, list) = candidates("x = JSON.st", 11);
        assert_eq!(start, 9);
        assert_eq!(list, vec!["stringify".to_string()]);
        let (start, list) = candidates("pipy.lo", 7);
        assert_eq!((start, list), (5, vec!["load".to_string()]));
        let (_, list) = candidates("Mess", 4);
        assert!(list.contains(&"Message".to_string()) && list.contains(&"MessageStart".to_string()));
        let (_, list) = candidates("nothing.here.", 13);
        assert!(list.is_empty());
    }
}
