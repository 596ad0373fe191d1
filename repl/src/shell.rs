//! `pipy repl`: read a line (more while brackets are open), compile it with top-level
//! declarations as globals, run it, print the value.

use crate::engine::{self, RunError};
use rustyline::error::ReadlineError;

/// Whether `src` looks unfinished (open brackets or an unterminated string/template).
pub fn is_incomplete(src: &str) -> bool {
    let mut depth: i32 = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in src.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    depth > 0 || quote == Some('`')
}

/// Runs the interactive loop until `.exit` or end of input.
pub fn run() -> i32 {
    engine::init();
    let mut rl = match rustyline::DefaultEditor::new() {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("pipy repl: cannot start the line editor: {e}");
            return 1;
        }
    };
    let history = std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".pipy_history"));
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    println!("Welcome to PipyJS. Type .help for help, .exit to leave.");
    let mut buffer = String::new();
    let mut line_no = 0;
    loop {
        let prompt = if buffer.is_empty() { "> " } else { "... " };
        match rl.readline(prompt) {
            Ok(line) => {
                if buffer.is_empty() {
                    match line.trim() {
                        ".exit" => break,
                        ".help" => {
                            println!(".help   this text\n.exit   leave the shell");
                            continue;
                        }
                        _ => {}
                    }
                }
                buffer.push_str(&line);
                buffer.push('\n');
                if is_incomplete(&buffer) {
                    continue;
                }
                let _ = rl.add_history_entry(buffer.trim_end());
                line_no += 1;
                let name = format!("repl:{line_no}");
                match engine::run(&name, &buffer, engine::options(true)) {
                    Ok(v) => println!("{}", engine::inspect(&v)),
                    Err(RunError::Compile(diags)) => {
                        for d in diags {
                            eprint!("{}", d.render(&name, &buffer));
                        }
                    }
                    Err(RunError::Uncaught(e)) => eprintln!("{}", engine::describe_exception(&e)),
                }
                buffer.clear();
            }
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
            }
            Err(_) => break,
        }
    }
    if let Some(h) = &history {
        let _ = rl.save_history(h);
    }
    0
}
