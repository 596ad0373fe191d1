//! test262 conformance runner (reports a pass rate; it does not gate on it).
//!
//! Runs only when `$TEST262_DIR` names a test262 checkout (tc39/test262, tested at commit
//! be13516); otherwise it prints a line saying so and passes (CI has no checkout). The selection rules are data in
//! `tests/test262/selection.txt`. Each run (a test in sloppy and/or strict mode) executes in a
//! fresh realm inside a worker *process* (this same test binary, re-executed with
//! `TEST262_WORKER=1` to run `test262_worker`), on a thread with a 64 MiB stack, under
//! `catch_unwind`. The parent hands out one run at a time and kills a worker that takes longer
//! than the time limit (counted as a timeout) or dies (stack overflow, abort: counted as a panic),
//! then starts a new one.
//!
//! Environment:
//! - `TEST262_DIR`: the checkout (with `test/` and `harness/`).
//! - `TEST262_FILTER=substring`: only tests whose path contains it.
//! - `TEST262_LIMIT=N`: only the first N selected test files.
//! - `TEST262_JOBS=N`: worker processes (default: available parallelism).
//! - `TEST262_TIMEOUT=secs`: per-run time limit (default 5).
//! - `TEST262_MIN_RATE=0.9`: fail if the pass rate is below it.
//!
//! Output: `test262: N passed, N failed, N panicked, N timed out, N skipped` (skipped = test
//! files in the tier A/B directories excluded by the rules), per-directory pass rates, and the
//! failing runs with their first error line in `<target dir>/test262-failures.txt`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MARK: &str = "@@T262\t";
const RECYCLE_AFTER: usize = 400;

// ---------------------------------------------------------------------------------------------
// Selection rules

struct Rules {
    dirs: Vec<String>,
    flags: HashSet<String>,
    features: HashSet<String>,
    feature_prefixes: Vec<String>,
    /// (a literal every match contains, the regex): the literal is a cheap prefilter, since
    /// regress is slow in a debug build.
    body: Vec<(String, regress::Regex)>,
    tier_a: Vec<String>,
    tier_b: HashSet<String>,
}

fn load_rules() -> Rules {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test262/selection.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut rules = Rules {
        dirs: vec![],
        flags: HashSet::new(),
        features: HashSet::new(),
        feature_prefixes: vec![],
        body: vec![],
        tier_a: vec![],
        tier_b: HashSet::new(),
    };
    let mut section = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].to_string();
            continue;
        }
        let v = t.to_string();
        match section.as_str() {
            "exclude-dirs" => rules.dirs.push(v),
            "exclude-flags" => drop(rules.flags.insert(v)),
            "exclude-features" => drop(rules.features.insert(v)),
            "exclude-feature-prefixes" => rules.feature_prefixes.push(v),
            "exclude-body" => rules.body.push((
                required_literal(t),
                regress::Regex::new(t).unwrap_or_else(|e| panic!("bad body regex {t:?}: {e}")),
            )),
            "tier-a" => rules.tier_a.push(v),
            "tier-b" => drop(rules.tier_b.insert(v)),
            other => panic!("selection.txt: unknown section [{other}]"),
        }
    }
    rules
}

/// The longest run of word characters outside any group in a regex: every match contains it.
/// (Escapes such as `\b`, `\s`, `\.` end a run; quantifiers make the preceding run unusable.)
fn required_literal(re: &str) -> String {
    let chars: Vec<char> = re.chars().collect();
    let (mut best, mut cur, mut depth, mut i) = (String::new(), String::new(), 0i32, 0);
    let flush = |cur: &mut String, best: &mut String| {
        if cur.len() > best.len() {
            *best = cur.clone();
        }
        cur.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            flush(&mut cur, &mut best);
            i += 2;
            continue;
        }
        match c {
            '(' | '[' => {
                flush(&mut cur, &mut best);
                depth += 1
            }
            ')' | ']' => depth -= 1,
            '?' | '*' | '{' => {
                // the last character is optional: drop it
                cur.pop();
                flush(&mut cur, &mut best)
            }
            '|' if depth == 0 => return String::new(),
            c if (c.is_alphanumeric() || c == '_' || c == ' ') && depth == 0 => cur.push(c),
            _ => flush(&mut cur, &mut best),
        }
        i += 1;
    }
    flush(&mut cur, &mut best);
    best
}

// ---------------------------------------------------------------------------------------------
// Frontmatter

#[derive(Default, Debug)]
struct Meta {
    includes: Vec<String>,
    flags: Vec<String>,
    features: Vec<String>,
    /// (phase, type)
    negative: Option<(String, String)>,
}

fn clean_item(s: &str) -> String {
    let s = s.split(" #").next().unwrap_or(s).trim();
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

fn set_list(md: &mut Meta, key: &str, inline: &str) {
    let inner = inline.trim().trim_start_matches('[');
    let inner = inner.split(']').next().unwrap_or("");
    let items: Vec<String> = inner.split(',').map(clean_item).filter(|s| !s.is_empty()).collect();
    match key {
        "includes" => md.includes.extend(items),
        "flags" => md.flags.extend(items),
        "features" => md.features.extend(items),
        _ => {}
    }
}

/// Parses the `/*--- ---*/` YAML block (just the keys the runner needs). Returns the metadata and
/// the byte offset where the test body starts.
fn parse_meta(src: &str) -> (Meta, usize) {
    let mut md = Meta::default();
    let Some(s) = src.find("/*---") else { return (md, 0) };
    let Some(e) = src[s..].find("---*/") else { return (md, 0) };
    let yaml = &src[s + 5..s + e];
    let end = s + e + 5;
    let mut key = String::new();
    let mut pending: Option<String> = None; // multi-line inline list
    let (mut phase, mut ty) = (None, None);
    for line in yaml.lines() {
        if let Some(mut buf) = pending.take() {
            buf.push_str(line);
            if line.contains(']') {
                set_list(&mut md, &key, &buf);
            } else {
                pending = Some(buf);
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if !indented {
            if let Some((k, v)) = t.split_once(':') {
                key = k.trim().to_string();
                let v = v.trim();
                if v.starts_with('[') {
                    if v.contains(']') {
                        set_list(&mut md, &key, v);
                    } else {
                        pending = Some(v.to_string());
                    }
                }
            } else {
                key.clear();
            }
        } else {
            match key.as_str() {
                "includes" | "flags" | "features" => {
                    if let Some(item) = t.strip_prefix('-') {
                        let item = clean_item(item);
                        if !item.is_empty() {
                            set_list(&mut md, &key.clone(), &format!("[{item}]"));
                        }
                    }
                }
                "negative" => {
                    if let Some((k, v)) = t.split_once(':') {
                        match k.trim() {
                            "phase" => phase = Some(clean_item(v)),
                            "type" => ty = Some(clean_item(v)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let (Some(p), Some(t)) = (phase, ty) {
        md.negative = Some((p, t));
    }
    (md, end)
}

// ---------------------------------------------------------------------------------------------
// Running one test (inside a worker process)

struct Harness {
    root: PathBuf,
    cache: HashMap<String, String>,
    /// Harness scripts compiled once per worker: compiled code is realm-independent (globals are
    /// looked up through the current realm, inline caches are keyed by `Rc<Shape>`), and compiling
    /// the harness per run costs ~70 ms in a debug build, 80 % of a typical run.
    /// `TEST262_NO_HARNESS_CACHE=1` recompiles per run.
    compiled: HashMap<String, Rc<pipy_compiler::CompiledModule>>,
}

impl Harness {
    fn get(&mut self, name: &str) -> Result<&str, String> {
        if !self.cache.contains_key(name) {
            let p = self.root.join("harness").join(name);
            let text = std::fs::read_to_string(&p).map_err(|e| format!("cannot read harness {name}: {e}"))?;
            self.cache.insert(name.to_string(), text);
        }
        Ok(&self.cache[name])
    }

    fn compiled(&mut self, name: &str) -> Result<Rc<pipy_compiler::CompiledModule>, String> {
        if let Some(m) = self.compiled.get(name) {
            return Ok(m.clone());
        }
        let text = if name == "host prelude" { HOST_PRELUDE.to_string() } else { self.get(name)?.to_string() };
        let t = Instant::now();
        let m = Rc::new(compile(name, &text).map_err(|e| format!("harness {name}: {e}"))?);
        HARNESS_COMPILE.with(|c| c.set(c.get() + t.elapsed()));
        if std::env::var_os("TEST262_NO_HARNESS_CACHE").is_none() {
            self.compiled.insert(name.to_string(), m.clone());
        }
        Ok(m)
    }
}

fn one_line(s: &str) -> String {
    let first = s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let mut out: String = first.replace('\t', " ");
    if out.len() > 300 {
        let mut cut = 300;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

fn prop_string(v: &pipy_value::Value, key: &str) -> Option<String> {
    match pipy_value::ops::get_str(v, key) {
        Ok(pipy_value::Value::Undefined) | Err(_) => None,
        Ok(x) => pipy_value::ops::to_rust_string(&x).ok(),
    }
}

fn error_type_name(v: &pipy_value::Value) -> Option<String> {
    let ctor = pipy_value::ops::get_str(v, "constructor").ok()?;
    prop_string(&ctor, "name")
}

fn describe(v: &pipy_value::Value) -> String {
    if let pipy_value::Value::Object(_) = v {
        let name = error_type_name(v).unwrap_or_else(|| "Object".into());
        let msg = prop_string(v, "message").unwrap_or_default();
        return one_line(&format!("{name}: {msg}"));
    }
    match pipy_value::ops::to_rust_string(v) {
        Ok(s) => one_line(&format!("threw {s}")),
        Err(_) => "threw a value that cannot be converted to a string".into(),
    }
}

const HOST_PRELUDE: &str = "var print = function () {};\n\
var $262 = { global: globalThis, gc: function () {}, IsHTMLDDA: undefined, \
  createRealm: function () { throw new Test262Error('$262.createRealm is not supported'); }, \
  evalScript: function () { throw new Test262Error('$262.evalScript is not supported'); }, \
  detachArrayBuffer: function () { throw new Test262Error('$262.detachArrayBuffer is not supported'); }, \
  agent: {} };\n";

fn compile(name: &str, src: &str) -> Result<pipy_compiler::CompiledModule, String> {
    pipy_compiler::compile(
        name,
        src,
        pipy_compiler::CompileOptions {
            top_level_globals: true,
            validate_regexp: Some(pipy_stdlib::regexp::validate),
            ..Default::default()
        },
    )
    .map_err(|d| {
        let first = d.first().map(|d| format!("{} {}", d.code, d.message)).unwrap_or_default();
        one_line(&format!("SyntaxError (compile): {first}"))
    })
}

thread_local! {
    static HARNESS_COMPILE: std::cell::Cell<Duration> = const { std::cell::Cell::new(Duration::ZERO) };
}

fn run_test(h: &mut Harness, rel: &str, strict: bool) -> Result<(), String> {
    pipy_stdlib::new_realm();
    let src = std::fs::read_to_string(h.root.join(rel)).map_err(|e| format!("cannot read test: {e}"))?;
    let (md, _) = parse_meta(&src);
    let raw = md.flags.iter().any(|f| f == "raw");
    let neg_parse = md.negative.as_ref().is_some_and(|(p, _)| p == "parse" || p == "early");
    let neg_runtime = md.negative.as_ref().filter(|(p, _)| p == "runtime" || p == "resolution").map(|(_, t)| t.clone());
    let prefix = if strict { "\"use strict\";\n" } else { "" };
    let test_src = format!("{prefix}{src}");
    let module = match (neg_parse, compile(rel, &test_src)) {
        (true, Err(_)) => return Ok(()),
        (true, Ok(_)) => {
            let ty = &md.negative.as_ref().unwrap().1;
            return Err(format!("expected an early {ty}, but the test compiled"));
        }
        (false, Err(e)) => return Err(e),
        (false, Ok(m)) => m,
    };
    if !raw {
        let mut names = vec!["assert.js".to_string(), "sta.js".to_string()];
        names.extend(md.includes.iter().cloned());
        let mut scripts = vec!["host prelude".to_string()];
        scripts.extend(names);
        for n in scripts {
            let m = h.compiled(&n)?;
            if let Err(v) = pipy_value::function::run_script(m.main()) {
                return Err(format!("harness {n} threw {}", describe(&v)));
            }
        }
    }
    let result = pipy_value::function::run_script(module.main());
    pipy_value::realm::run_microtasks();
    match (result, neg_runtime) {
        (Ok(_), None) => Ok(()),
        (Ok(_), Some(t)) => Err(format!("expected a {t} to be thrown, but the test completed")),
        (Err(v), None) => Err(describe(&v)),
        (Err(v), Some(t)) => {
            let got = error_type_name(&v).unwrap_or_default();
            if got == t { Ok(()) } else { Err(format!("expected {t}, got {}", describe(&v))) }
        }
    }
}

/// The worker side: reads `strict\tpath` lines on stdin and answers each with one
/// `@@T262\tstatus\tmessage` line on stdout. Does nothing unless `TEST262_WORKER` is set.
#[test]
fn test262_worker() {
    if std::env::var_os("TEST262_WORKER").is_none() {
        return;
    }
    let root = PathBuf::from(std::env::var("TEST262_DIR").expect("TEST262_DIR"));
    std::panic::set_hook(Box::new(|_| {}));
    let t = std::thread::Builder::new()
        .name("test262-worker".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let mut h = Harness { root, cache: HashMap::new(), compiled: HashMap::new() };
            let stdin = std::io::stdin();
            let mut out = std::io::stdout();
            for line in stdin.lock().lines() {
                let Ok(line) = line else { break };
                let Some((strict, rel)) = line.split_once('\t') else { continue };
                let strict = strict == "1";
                let (status, msg) = match catch_unwind(AssertUnwindSafe(|| run_test(&mut h, rel, strict))) {
                    Ok(Ok(())) => ("pass", String::new()),
                    Ok(Err(m)) => ("fail", one_line(&m)),
                    Err(p) => {
                        let m = p
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "panic".into());
                        ("panic", one_line(&format!("panic: {m}")))
                    }
                };
                let _ = writeln!(out, "{MARK}{status}\t{msg}");
                let _ = out.flush();
            }
            if std::env::var_os("TEST262_PROFILE").is_some() {
                let _ = writeln!(out, "harness compile time: {:?}", HARNESS_COMPILE.with(|c| c.get()));
            }
        })
        .unwrap();
    let _ = t.join();
}

// ---------------------------------------------------------------------------------------------
// The parent: selection, worker management, report

struct Job {
    rel: String,
    strict: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Status {
    Pass,
    Fail,
    Panic,
    Timeout,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<String>,
    runs: usize,
}

/// Each run's outcome, filled in by the worker threads.
type SharedResults = Arc<Mutex<Vec<Option<(Status, String)>>>>;

fn spawn_worker(root: &Path) -> Worker {
    let exe = std::env::current_exe().expect("current_exe");
    let mut child = Command::new(exe)
        .args(["test262_worker", "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env("TEST262_WORKER", "1")
        .env("TEST262_DIR", root)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start a test262 worker process");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.strip_prefix(MARK) {
                if tx.send(rest.to_string()).is_err() {
                    break;
                }
            }
        }
    });
    Worker { child, stdin, rx, runs: 0 }
}

fn kill(mut w: Worker) {
    let _ = w.child.kill();
    let _ = w.child.wait();
}

fn run_one(slot: &mut Option<Worker>, root: &Path, job: &Job, timeout: Duration) -> (Status, String) {
    let w = slot.get_or_insert_with(|| spawn_worker(root));
    w.runs += 1;
    let line = format!("{}\t{}\n", if job.strict { 1 } else { 0 }, job.rel);
    if w.stdin.write_all(line.as_bytes()).and_then(|_| w.stdin.flush()).is_err() {
        kill(slot.take().unwrap());
        return (Status::Panic, "worker process died before the test started".into());
    }
    let res = match w.rx.recv_timeout(timeout) {
        Ok(reply) => {
            let (status, msg) = reply.split_once('\t').unwrap_or((&reply, ""));
            let st = match status {
                "pass" => Status::Pass,
                "panic" => Status::Panic,
                _ => Status::Fail,
            };
            (st, msg.to_string())
        }
        Err(RecvTimeoutError::Timeout) => {
            kill(slot.take().unwrap());
            return (Status::Timeout, format!("timed out after {} s", timeout.as_secs_f64()));
        }
        Err(RecvTimeoutError::Disconnected) => {
            let mut w = slot.take().unwrap();
            let st = w.child.wait().map(|s| s.to_string()).unwrap_or_default();
            return (Status::Panic, format!("worker process crashed ({st}; stack overflow or abort)"));
        }
    };
    // A panic may leave thread-local engine state inconsistent; recycle workers now and then to
    // bound leaked memory too.
    if res.0 == Status::Panic || w.runs >= RECYCLE_AFTER {
        kill(slot.take().unwrap());
    }
    res
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "js") && !p.to_string_lossy().contains("_FIXTURE") {
            out.push(p);
        }
    }
}

fn env_num<T: std::str::FromStr>(k: &str) -> Option<T> {
    std::env::var(k).ok().and_then(|v| v.trim().parse().ok())
}

/// Top-level directory for the per-directory table: `language/expressions`, `built-ins/Array`.
fn group(rel: &str) -> String {
    rel.split('/').skip(1).take(2).collect::<Vec<_>>().join("/")
}

#[test]
fn test262() {
    if std::env::var_os("TEST262_WORKER").is_some() {
        return;
    }
    let Some(root) = std::env::var_os("TEST262_DIR").map(PathBuf::from) else {
        println!("test262: skipped (set TEST262_DIR to a test262 checkout to run the subset)");
        return;
    };
    if !root.join("test").is_dir() || !root.join("harness").is_dir() {
        println!("test262: skipped (no checkout at {})", root.display());
        return;
    }
    let rules = load_rules();
    let filter = std::env::var("TEST262_FILTER").unwrap_or_default();
    let limit: usize = env_num("TEST262_LIMIT").unwrap_or(usize::MAX);
    let timeout = Duration::from_secs_f64(env_num("TEST262_TIMEOUT").unwrap_or(5.0));
    let jobs_n: usize = env_num("TEST262_JOBS")
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
        .max(1);

    // Selection.
    let t0 = Instant::now();
    let mut files = Vec::new();
    walk(&root.join("test/language"), &mut files);
    walk(&root.join("test/built-ins"), &mut files);
    let mut rels: Vec<String> = files
        .iter()
        .filter_map(|p| p.strip_prefix(&root).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    rels.sort();
    let mut skipped = 0usize;
    let mut jobs = Vec::new();
    let mut selected_files = 0usize;
    for rel in rels {
        let in_a = rules.tier_a.iter().any(|p| rel.starts_with(p.as_str()));
        let in_b =
            rel.starts_with("test/built-ins/") && rel.split('/').nth(2).is_some_and(|d| rules.tier_b.contains(d));
        if !(in_a || in_b) || !rel.contains(filter.as_str()) {
            continue;
        }
        if selected_files >= limit {
            break;
        }
        if rules.dirs.iter().any(|d| rel.starts_with(d.as_str())) {
            skipped += 1;
            continue;
        }
        let Ok(src) = std::fs::read_to_string(root.join(&rel)) else {
            skipped += 1;
            continue;
        };
        let (md, body_start) = parse_meta(&src);
        let body = &src[body_start..];
        let excluded = md.flags.iter().any(|f| rules.flags.contains(f))
            || md.features.iter().any(|f| {
                rules.features.contains(f) || rules.feature_prefixes.iter().any(|p| f.starts_with(p.as_str()))
            })
            || rules.body.iter().any(|(lit, r)| body.contains(lit.as_str()) && r.find(body).is_some())
            || md.negative.as_ref().is_some_and(|(p, _)| p == "resolution");
        if excluded {
            skipped += 1;
            continue;
        }
        selected_files += 1;
        let has = |f: &str| md.flags.iter().any(|x| x == f);
        let modes: &[bool] = if has("onlyStrict") {
            &[true]
        } else if has("noStrict") || has("raw") {
            &[false]
        } else {
            &[false, true]
        };
        for &strict in modes {
            jobs.push(Job { rel: rel.clone(), strict });
        }
    }
    println!(
        "test262: {selected_files} files selected ({} runs), {skipped} skipped, in {:.1} s; {jobs_n} workers, {} s limit",
        jobs.len(),
        t0.elapsed().as_secs_f64(),
        timeout.as_secs_f64()
    );

    // Run.
    let t1 = Instant::now();
    let jobs = Arc::new(jobs);
    let next = Arc::new(Mutex::new(0usize));
    let results: SharedResults = Arc::new(Mutex::new(vec![None; jobs.len()]));
    let progress_every = (jobs.len() / 20).max(500);
    let mut handles = Vec::new();
    for _ in 0..jobs_n {
        let (jobs, next, results, root) = (jobs.clone(), next.clone(), results.clone(), root.clone());
        handles.push(std::thread::spawn(move || {
            let mut slot: Option<Worker> = None;
            loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    let i = *n;
                    *n += 1;
                    i
                };
                if i >= jobs.len() {
                    break;
                }
                let r = run_one(&mut slot, &root, &jobs[i], timeout);
                results.lock().unwrap()[i] = Some(r);
                if (i + 1) % progress_every == 0 {
                    eprintln!("test262: {} / {} runs, {:.0} s", i + 1, jobs.len(), t1.elapsed().as_secs_f64());
                }
            }
            if let Some(w) = slot.take() {
                drop(w.stdin);
                let mut c = w.child;
                let _ = c.wait();
            }
        }));
    }
    for h in handles {
        h.join().expect("runner thread panicked");
    }
    let results = Arc::try_unwrap(results).ok().unwrap().into_inner().unwrap();

    // Report.
    let mut counts: HashMap<Status, usize> = HashMap::new();
    let mut dirs: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = String::new();
    for (job, r) in jobs.iter().zip(&results) {
        let (st, msg) = r.clone().unwrap_or((Status::Panic, "no result".into()));
        *counts.entry(st).or_default() += 1;
        let d = dirs.entry(group(&job.rel)).or_default();
        d.1 += 1;
        if st == Status::Pass {
            d.0 += 1;
        } else {
            let kind = match st {
                Status::Fail => "fail",
                Status::Panic => "panic",
                Status::Timeout => "timeout",
                Status::Pass => unreachable!(),
            };
            let mode = if job.strict { "strict" } else { "sloppy" };
            failures.push_str(&format!("{} [{mode}] {kind}: {msg}\n", job.rel));
        }
    }
    let c = |s| counts.get(&s).copied().unwrap_or(0);
    let (passed, failed, panicked, timed_out) =
        (c(Status::Pass), c(Status::Fail), c(Status::Panic), c(Status::Timeout));
    let total = passed + failed + panicked + timed_out;
    let rate = if total == 0 { 1.0 } else { passed as f64 / total as f64 };
    println!("per-directory pass rates:");
    for (d, (p, t)) in &dirs {
        println!("  {d:<48} {p:>6} / {t:<6} {:>6.1}%", 100.0 * *p as f64 / *t as f64);
    }
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"));
    let out = target.join("test262-failures.txt");
    match std::fs::write(&out, &failures) {
        Ok(()) => println!("failures written to {}", out.display()),
        Err(e) => println!("cannot write {}: {e}", out.display()),
    }
    println!("test262: pass rate {:.2}% in {:.0} s", rate * 100.0, t1.elapsed().as_secs_f64());
    println!(
        "test262: {passed} passed, {failed} failed, {panicked} panicked, {timed_out} timed out, {skipped} skipped"
    );

    assert!(total == 0 || passed > 0, "the runner passed no test at all: it is probably broken");
    if let Some(min) = env_num::<f64>("TEST262_MIN_RATE") {
        assert!(rate >= min, "test262 pass rate {:.4} is below TEST262_MIN_RATE={min}", rate);
    }
}

/// The rules file parses, and every body regex has a non-trivial prefilter literal (runs in CI too).
#[test]
fn test262_selection_rules() {
    let rules = load_rules();
    assert!(!rules.tier_a.is_empty() && !rules.tier_b.is_empty());
    for (lit, _) in &rules.body {
        assert!(lit.trim().len() >= 3, "weak prefilter literal {lit:?}");
    }
    assert_eq!(required_literal(r"\beval\s*\("), "eval");
    assert_eq!(required_literal(r"\$262\.(createRealm|gc)"), "262");
    assert_eq!(required_literal(r"\bnew Function\b"), "new Function");
    let (md, _) = parse_meta(
        "/*---\nflags: [onlyStrict]\nincludes:\n  - a.js\n  - b.js\nnegative:\n  phase: parse\n  type: SyntaxError\nfeatures: [x,\n  y]\n---*/\n",
    );
    assert_eq!(md.flags, ["onlyStrict"]);
    assert_eq!(md.includes, ["a.js", "b.js"]);
    assert_eq!(md.features, ["x", "y"]);
    assert_eq!(md.negative, Some(("parse".into(), "SyntaxError".into())));
}
