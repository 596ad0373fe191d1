//! `pipy repl`: read a line (more while brackets are open), compile it with top-level
//! declarations as globals, run it inside the worker's event loop (so timers, promises and
//! pipelines settle before the next prompt), print the value. Dot-commands load scripts, list
//! their pipelines, push a request through one without sockets, and count live objects.

use pipy_program::{self as program, RunError};
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
    program::init();
    let Some(mut session) = Session::new() else {
        eprintln!("pipy repl: cannot start the event loop");
        return 1;
    };
    let mut rl = match rustyline::Editor::<crate::complete::Completions, rustyline::history::DefaultHistory>::new() {
        Ok(mut rl) => {
            rl.set_helper(Some(crate::complete::Completions));
            rl
        }
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
                            println!("{HELP}");
                            continue;
                        }
                        cmd if cmd.starts_with('.') => {
                            let _ = rl.add_history_entry(cmd);
                            session.command(cmd);
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
                let src = std::mem::take(&mut buffer);
                session.eval(&name, &src);
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

const HELP: &str = "\
.help                 this text
.load FILE            run a script and keep its pipelines
.pipelines            list the pipelines defined so far, with their filters
.send N REQUEST       push REQUEST through pipeline N (from .pipelines) and print what comes out;
                      REQUEST is `GET /path` (an HTTP request) or an expression giving events
.leaks                collect cycles, then count live objects and pipeline instances
.exit                 leave the shell";

/// The shell's event loop: every line runs inside it and it turns until the work the line
/// started is done (or a second passes).
struct Session {
    rt: tokio::runtime::Runtime,
    local: tokio::task::LocalSet,
    evals: usize,
}

impl Session {
    fn new() -> Option<Session> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
        Some(Session { rt, local: tokio::task::LocalSet::new(), evals: 0 })
    }

    /// Runs `f` in the loop, then lets timers and I/O it started finish (up to a second).
    fn turn<R>(&mut self, f: impl FnOnce() -> R) -> R {
        self.local.block_on(&self.rt, async {
            let r = f();
            pipy_value::realm::run_microtasks();
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
            while pipy_engine::net::active_count() > 0 && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            r
        })
    }

    fn eval(&mut self, name: &str, src: &str) {
        self.evals += 1;
        let result = self.turn(|| program::run(name, src, program::options(true)));
        match result {
            Ok(v) => println!("{}", program::inspect(&v)),
            Err(RunError::Compile(diags)) => {
                for d in diags {
                    eprint!("{}", d.render(name, src));
                }
            }
            Err(RunError::Uncaught(e)) => eprintln!("{}", program::describe_exception(&e)),
        }
    }

    fn command(&mut self, cmd: &str) {
        let (word, rest) = cmd.split_once(char::is_whitespace).unwrap_or((cmd, ""));
        let rest = rest.trim();
        match word {
            ".load" => self.load(rest),
            ".pipelines" => {
                for (i, l) in pipy_engine::pipeline::layout::all_layouts().iter().enumerate() {
                    let mut lines = l.graph().into_iter();
                    if let Some(first) = lines.next() {
                        println!("[{i}] {first}");
                    }
                    for line in lines {
                        println!("    {line}");
                    }
                }
            }
            ".send" => self.send(rest),
            ".leaks" => {
                // Collect first, so what is shown is what is really alive.
                let s = pipy_value::cycles::collect().unwrap_or_else(pipy_value::cycles::stats);
                println!(
                    "live objects: {}, pipeline instances: {}; cycle collector: {} collections, {} freed ({} just now in {} us)",
                    pipy_value::object::live_objects(),
                    pipy_engine::pipeline::live_pipelines(),
                    s.collections,
                    s.collected,
                    s.last_collected,
                    s.last_duration.as_micros()
                )
            }
            _ => eprintln!("unknown command {word} (see .help)"),
        }
    }

    fn load(&mut self, path: &str) {
        let src = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => return eprintln!("cannot read {path}: {e}"),
        };
        if let Some(dir) = std::path::Path::new(path).parent() {
            program::set_codebase_root(dir);
        }
        let result = self.turn(|| program::run(path, &src, program::options(false)));
        match result {
            Ok(_) => println!("loaded {path}; .pipelines lists its pipelines"),
            Err(RunError::Compile(diags)) => {
                for d in diags {
                    eprint!("{}", d.render(path, &src));
                }
            }
            Err(RunError::Uncaught(e)) => eprintln!("{}", program::describe_exception(&e)),
        }
    }

    fn send(&mut self, args: &str) {
        use pipy_engine::pipeline::{Output, Pipeline, context, event};
        let (index, request) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let layouts = pipy_engine::pipeline::layout::all_layouts();
        let Some(layout) = index.parse::<usize>().ok().and_then(|i| layouts.get(i).cloned()) else {
            return eprintln!("usage: .send N REQUEST, with N from .pipelines");
        };
        let request = request.trim();
        let events = if let Some((method, path)) = http_shorthand(request) {
            let raw = format!("{method} {path} HTTP/1.1\r\nhost: localhost\r\n\r\n");
            let takes_bytes = layout
                .filters
                .borrow()
                .first()
                .is_some_and(|f| matches!(f.name(), "serveHTTP" | "demuxHTTP" | "decodeHTTPRequest"));
            if takes_bytes {
                vec![event::Event::Data(raw.as_str().into()), event::Event::end()]
            } else {
                self.evals += 1;
                let expr = format!("new Message({{ method: '{method}', path: '{path}', headers: {{}} }})");
                match self.turn(|| program::run("send", &expr, program::options(true))) {
                    Ok(v) => {
                        event::events_of(&v).unwrap_or_default().into_iter().chain([event::Event::end()]).collect()
                    }
                    Err(_) => return,
                }
            }
        } else {
            let name = format!("send:{}", self.evals);
            self.evals += 1;
            match self.turn(|| program::run(&name, request, program::options(true))) {
                Ok(v) => match event::events_of(&v) {
                    Ok(mut evs) => {
                        if !evs.last().is_some_and(|e| e.is_stream_end()) {
                            evs.push(event::Event::end());
                        }
                        evs
                    }
                    Err(e) => return eprintln!("{}", program::describe_exception(&e)),
                },
                Err(RunError::Uncaught(e)) => return eprintln!("{}", program::describe_exception(&e)),
                Err(RunError::Compile(diags)) => {
                    for d in diags {
                        eprint!("{}", d.render(&name, request));
                    }
                    return;
                }
            }
        };
        let out: std::rc::Rc<std::cell::RefCell<Vec<event::Event>>> = Default::default();
        let o2 = out.clone();
        let pipeline = self.turn(|| {
            // As if a client on the loopback had connected.
            let ctx = context::new_root_copy();
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            *ctx.inbound.borrow_mut() = pipy_engine::net::inbound::inbound_object(0, addr, addr);
            let p = Pipeline::new(&layout, ctx, Output::Func(Box::new(move |e| o2.borrow_mut().push(e))));
            p.start(&[]);
            p.input_all(events);
            // Returned, so it lives until the loop has turned and replies from timers and
            // sockets have arrived.
            p
        });
        // Replies from sockets and timers (an upstream, a 502 for a refused one) come later:
        // wait for the stream to end, for a few seconds at most.
        let o3 = out.clone();
        self.local.block_on(&self.rt, async move {
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
            while !o3.borrow().iter().any(|e| e.is_stream_end()) && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        });
        for e in out.borrow().iter() {
            match e {
                event::Event::Data(d) => println!("Data {:?}", d.to_string_lossy()),
                other => println!("{}", pipy_engine::filters::dump::describe(other)),
            }
        }
        // Ended inside the loop: what it leaves behind (pooled sessions, timers) needs one.
        self.turn(move || drop(pipeline));
    }
}

/// `GET /path` (any upper-case method) as (method, path).
fn http_shorthand(s: &str) -> Option<(&str, &str)> {
    let (m, p) = s.split_once(' ')?;
    (m.chars().all(|c| c.is_ascii_uppercase()) && p.starts_with('/') && !p.contains(' ')).then_some((m, p))
}
