//! The `pipy` binary as a user runs it: exit codes, printed values, diagnostics, modules.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn pipy(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipy")).args(args).current_dir(cwd).output().expect("pipy runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("pipy-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn eval_prints_the_value() {
    let d = temp_dir("eval");
    let out = pipy(&["-e", "[1, 'a', {b: 2}].length + 40"], &d);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "43\n");
    let out = pipy(&["-e", "'Hi, there!'"], &d);
    assert_eq!(text(&out.stdout), "Hi, there!\n");
    let out = pipy(&["-e", "({a: [1, 2], s: 'x'})"], &d);
    assert_eq!(text(&out.stdout), "{ a: [ 1, 2 ], s: 'x' }\n");
}

#[test]
fn a_plain_script_runs_and_exits_zero() {
    let d = temp_dir("plain");
    std::fs::write(d.join("hello.js"), "println('hello', 1 + 1)\n").expect("write");
    for args in [&["run", "hello.js"][..], &["hello.js"][..]] {
        let out = pipy(args, &d);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "hello 2\n");
    }
}

#[test]
fn a_syntax_error_is_a_rustc_style_diagnostic_and_exit_1() {
    let d = temp_dir("syntax");
    std::fs::write(d.join("bad.js"), "let a = 1;\nlet b = foo(1,;\n").expect("write");
    let out = pipy(&["run", "bad.js"], &d);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stderr));
}

#[test]
fn unsupported_syntax_names_the_feature() {
    let d = temp_dir("unsupported");
    std::fs::write(d.join("gen.js"), "function* g() {}\n").expect("write");
    let out = pipy(&["run", "gen.js"], &d);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("error[E0002]: generator functions is not supported in PipyJS"), "{err}");
    assert!(err.contains("--> gen.js:1:1"), "{err}");
}

#[test]
fn an_uncaught_exception_prints_frames_and_exits_1() {
    let d = temp_dir("uncaught");
    std::fs::write(d.join("throw.js"), "function inner() {\n  null.x;\n}\nfunction outer() { inner(); }\nouter();\n")
        .expect("write");
    let out = pipy(&["run", "throw.js"], &d);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("TypeError: Cannot read properties of null (reading 'x')"), "{err}");
    assert!(err.contains("at inner (throw.js:2:"), "{err}");
    assert!(err.contains("at outer (throw.js:4:"), "{err}");
    let out = pipy(&["-e", "throw 'plain'"], &d);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr).trim(), "Uncaught 'plain'");
}

#[test]
fn deep_recursion_is_a_range_error_not_a_crash() {
    let d = temp_dir("deep");
    let out = pipy(&["-e", "function f(n) { return f(n + 1) } try { f(0) } catch (e) { e.name }"], &d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "RangeError\n");
}

#[test]
fn es_modules_import_and_export() {
    let d = temp_dir("modules");
    std::fs::create_dir_all(d.join("lib")).expect("mkdir");
    std::fs::write(
        d.join("main.js"),
        "import greet, { add, PI as pi } from './lib/math.js';\nimport * as m from './lib/math.js';\n\
         import { twice, add as add2 } from '/lib/twice.js';\n\
         println(greet('pipy'), greet('again'), add(2, 3), pi, m.add(1, 1), twice(21), add2(1, 2));\n",
    )
    .expect("write");
    std::fs::write(
        d.join("lib/math.js"),
        "export function add(a, b) { return a + b; }\nexport const PI = 3.14;\nlet calls = 0;\n\
         export default function greet(n) { calls++; return 'hi ' + n + ' ' + calls; }\n",
    )
    .expect("write");
    std::fs::write(
        d.join("lib/twice.js"),
        "import { add } from './math.js';\nexport const twice = (x) => add(x, x);\nexport * from './math.js';\n",
    )
    .expect("write");
    let out = pipy(&["run", "main.js"], &d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "hi pipy 1 hi again 2 5 3.14 2 42 3\n");
}

#[test]
fn a_missing_module_is_a_clear_error() {
    let d = temp_dir("nomodule");
    std::fs::write(d.join("main.js"), "import x from './nope.js';\n").expect("write");
    let out = pipy(&["run", "main.js"], &d);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("cannot load module") && err.contains("nope.js"), "{err}");
}

#[test]
fn a_missing_file_and_bad_arguments_exit_2() {
    let d = temp_dir("args");
    let out = pipy(&["run", "does-not-exist.js"], &d);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read does-not-exist.js"));
    let out = pipy(&["--no-such-option"], &d);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_repl_runs_lines_in_the_event_loop_and_sends_requests_through_loaded_pipelines() {
    use std::io::Write;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pipy"))
        .arg("repl")
        .current_dir(root)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("repl starts");
    let input = "let total = [1, 2, 3].reduce((a, b) => a + b)\n\
                 total * 2\n\
                 new Timeout(0.1).wait().then(() => println('timer fired'))\n\
                 .load tutorial/02-echo/main.js\n\
                 .pipelines\n\
                 .send 2 GET /hello\n\
                 .leaks\n\
                 .exit\n";
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("output");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\n12\n"), "{stdout}");
    assert!(stdout.contains("timer fired"), "timers settle before the next prompt: {stdout}");
    assert!(stdout.contains("[2] Listen on 0.0.0.0:8082"), "{stdout}");
    assert!(stdout.contains("You are requesting /hello from"), "{stdout}");
    assert!(stdout.contains("live objects: "), "{stdout}");
    assert!(out.status.success());
}

#[test]
fn version_names_the_commit_and_pipy_config_file_runs_a_script() {
    let d = temp_dir("version");
    let out = pipy(&["--version"], &d);
    assert!(out.status.success());
    let v = text(&out.stdout);
    assert!(v.starts_with("pipy ") && v.contains("Commit: "), "{v}");
    std::fs::write(d.join("hello.js"), "println('from PIPY_CONFIG_FILE', pipy.thread.concurrency)\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pipy"))
        .current_dir(&d)
        .env("PIPY_CONFIG_FILE", "hello.js")
        .env("PIPY_SPAWN", "2")
        .output()
        .expect("runs");
    assert_eq!(text(&out.stdout).lines().collect::<Vec<_>>(), ["from PIPY_CONFIG_FILE 2", "from PIPY_CONFIG_FILE 2"]);
    let out = pipy(&["--threads", "zero", "hello.js"], &d);
    assert_eq!(out.status.code(), Some(2), "a bad option value is a usage error");
    assert!(text(&out.stderr).contains("not a thread count"));
}

/// `pipy repl` in a real pseudo-terminal (`script` from util-linux allocates it), its input and
/// screen piped, with `home` as its HOME.
fn repl_in_a_terminal(home: &Path) -> std::process::Child {
    let cmd = format!("{} repl", env!("CARGO_BIN_EXE_pipy"));
    std::process::Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .env("HOME", home)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) runs")
}

/// The shell through a real pseudo-terminal: tab completion, multi-line input, printing.
#[test]
fn the_repl_in_a_terminal_completes_and_continues_lines() {
    use std::io::Write;
    let home = temp_dir("repl-pty");
    let mut child = repl_in_a_terminal(&home);
    // Typed one line at a time, as a person types.
    let mut stdin = child.stdin.take().expect("stdin");
    for chunk in [&b"JSON.stri\t({a: [1, 2]})\r"[..], b"[1,\r", b"2, 3].length\r", b".exit\r"] {
        std::thread::sleep(std::time::Duration::from_millis(400));
        stdin.write_all(chunk).expect("write");
        stdin.flush().expect("flush");
    }
    drop(stdin);
    let out = child.wait_with_output().expect("output");
    let screen = text(&out.stdout);
    assert!(screen.contains("JSON.stringify"), "tab completed the name: {screen:?}");
    assert!(screen.contains(r#"'{"a":[1,2]}'"#), "{screen:?}");
    assert!(screen.contains("... "), "an open bracket asks for more: {screen:?}");
    assert!(screen.contains("\r\n3\r\n"), "{screen:?}");
    assert!(home.join(".pipy_history").exists(), "history is saved in a file");
}

/// Pasting into the shell as a terminal does without bracketed paste (tmux's `paste-buffer`):
/// a multi-line block arrives in one write, each line ending in a carriage return. Every line
/// runs; so does a line typed while an earlier one is still evaluating.
#[test]
fn the_repl_runs_every_line_of_a_pasted_block_and_keeps_keys_typed_ahead() {
    use std::io::Write;
    let home = temp_dir("repl-paste");
    let mut child = repl_in_a_terminal(&home);
    let mut stdin = child.stdin.take().expect("stdin");
    let pause = |ms| std::thread::sleep(std::time::Duration::from_millis(ms));
    pause(400);
    let block = "function twice(a) {\r  return a * 2\r}\rprintln('pasted ' + twice(21))\r\
                 var t = Date.now(); while (Date.now() - t < 600) {}\r";
    stdin.write_all(block.as_bytes()).expect("write");
    stdin.flush().expect("flush");
    // Typed while the busy loop above runs.
    pause(200);
    stdin.write_all(b"println('typed ' + twice(50))\r").expect("write");
    stdin.flush().expect("flush");
    pause(1200);
    stdin.write_all(b".exit\r").expect("write");
    drop(stdin);
    let out = child.wait_with_output().expect("output");
    let screen = text(&out.stdout);
    assert!(screen.contains("pasted 42\r\n"), "every pasted line ran: {screen:?}");
    assert!(screen.contains("typed 100\r\n"), "the line typed ahead ran: {screen:?}");
}

/// `pipy check` on the seed article's plugin proxy reaches every module through the JSON
/// configuration; a mistake in a plugin is reported in that plugin's file; `--list-rules`.
#[test]
fn check_follows_modules_and_reports_in_the_module_at_fault() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = pipy(&["check", "tests/seed/proxy.js"], root);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "checked 4 modules: no errors, 0 warnings\n");

    let d = temp_dir("check-plugins");
    std::fs::create_dir_all(d.join("plugins")).expect("dir");
    std::fs::write(d.join("config.json"), r#"{ "plugins": ["plugins/a.js"] }"#).expect("write");
    std::fs::write(
        d.join("main.js"),
        "(config => pipy()\n  .export('main', { __n: 0 })\n  .listen(8080)\n  .demuxHTTP().to($=>$.chain(config.plugins))\n)(JSON.decode(pipy.load('config.json')))\n",
    )
    .expect("write");
    std::fs::write(
        d.join("plugins/a.js"),
        "pipy()\n  .import({ __n: 'main' })\n.pipeline()\n  .handleMessageStart(() => __n++)\n  .replaceMessage(new Message({ status: 404 }), { bogus: 1 })\n",
    )
    .expect("write");
    let out = pipy(&["check", "main.js"], &d);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("error[E0102]: `replaceMessage()` takes 0 or 1 arguments but 2 were given"), "{err}");
    assert!(err.contains("--> plugins/a.js:5:4"), "{err}");
    assert!(err.ends_with("error: checked 2 modules: 1 error, 0 warnings\n"), "{err}");

    let out = pipy(&["check", "--list-rules"], &d);
    assert!(out.status.success());
    let rules = text(&out.stdout);
    assert!(rules.lines().count() >= 15, "{rules}");
    assert!(rules.contains("E0104  missing-to"), "{rules}");
    let out = pipy(&["check"], &d);
    assert_eq!(out.status.code(), Some(2), "no file is a usage error");
}

/// `--list-filters` prints the runtime's registry, nothing more or less, and each filter it
/// lists is used by some test script or tutorial (so each one is exercised, not just listed);
/// `--help-filters NAME` describes one.
#[test]
fn list_filters_is_the_registry_and_every_filter_is_exercised() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = pipy(&["--list-filters"], root);
    assert!(out.status.success());
    let listed: Vec<String> =
        text(&out.stdout).lines().filter_map(|l| l.split('(').next()).map(|s| s.trim().to_string()).collect();
    let registry: Vec<String> = pipy_engine::filters::all().iter().map(|s| s.name.to_string()).collect();
    assert_eq!(listed, registry);

    let mut sources = String::new();
    for dir in ["tests/scripts", "tests", "tutorial", "tests/seed", "tests/seed/plugins"] {
        for e in std::fs::read_dir(root.join(dir)).expect("dir").flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "js" || x == "rs") {
                sources.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
        for sub in std::fs::read_dir(root.join(dir)).expect("dir").flatten().filter(|e| e.path().is_dir()) {
            if let Ok(main) = std::fs::read_to_string(sub.path().join("main.js")) {
                sources.push_str(&main);
            }
        }
    }
    let unused: Vec<&String> = listed.iter().filter(|n| !sources.contains(&format!(".{n}("))).collect();
    assert!(unused.is_empty(), "filters no test uses: {unused:?}");

    let out = pipy(&["--help-filters", "muxHTTP"], root);
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(help.starts_with("muxHTTP(selector?, options?)\n"), "{help}");
    let out = pipy(&["--help-filters", "muxHttp"], root);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no filter named 'muxHttp'"));
}

/// Arguments after `--` reach the script as `pipy.argv`; `--help` shows examples.
#[test]
fn arguments_reach_pipy_argv_and_help_has_examples() {
    let d = temp_dir("argv");
    std::fs::write(d.join("args.js"), "println(JSON.stringify(pipy.argv))\n").expect("write");
    let out = pipy(&["run", "args.js", "--", "one", "--two", "3"], &d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "[\"one\",\"--two\",\"3\"]\n");
    let out = pipy(&["args.js", "--", "x"], &d);
    assert_eq!(text(&out.stdout), "[\"x\"]\n");
    let out = pipy(&["--help"], &d);
    let help = text(&out.stdout);
    assert!(help.contains("Examples:\n  pipy run hello.js"), "{help}");
    assert!(help.contains("check") && help.contains("repl") && help.contains("--list-filters"), "{help}");
}

/// Input that trips the parser's own assertions is a syntax error, for `run` and `check` alike,
/// with no internal-error noise.
#[test]
fn parser_assertions_are_plain_syntax_errors() {
    let d = temp_dir("parser-assert");
    std::fs::write(d.join("bad.js"), "(p,>c=>\n").expect("write");
    for args in [&["check", "bad.js"][..], &["run", "bad.js"][..]] {
        let out = pipy(args, &d);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("error[E0001]"), "{err}");
        assert!(!err.contains("internal error"), "{err}");
    }
}

/// Output into a pipe whose reader has gone (`pipy --list-filters | head -1`) ends quietly,
/// with exit status 0, not with a panic about a broken pipe.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    for args in
        [&["--list-filters"][..], &["--help-filters"], &["check", "--list-rules"], &["-e", "'x'.repeat(200000)"]]
    {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pipy"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("pipy starts");
        // The reader goes away before pipy writes a byte.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("pipy ends");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(!err.contains("internal error") && !err.contains("Broken pipe"), "{args:?}: {err}");
    }
}

/// `pipy.name`, `uuid`, `source`, `since`, `version`, `performance`, `list`, `inbound/outbound`.
#[test]
fn scripts_see_the_process_as_the_command_line_set_it_up() {
    let dir = common::temp_dir("cli-pipy-api");
    std::fs::create_dir_all(dir.join("lib/deep")).expect("dir");
    std::fs::write(dir.join("lib/a.js"), "1").expect("write");
    std::fs::write(dir.join("lib/deep/b.js"), "2").expect("write");
    std::fs::write(
        dir.join("main.js"),
        r#"
var v = pipy.version
println(pipy.name, pipy.uuid, pipy.source)
println(typeof v.tag, v.tag.length > 0, typeof v.commit, typeof v.date)
println(pipy.since > 1.7e12, pipy.since <= Date.now())
var t = pipy.performance.now()
println(t >= 0, pipy.performance.timeOrigin > 1.7e12, pipy.performance.now() >= t)
println(pipy.list('/lib').join(' '))
println(pipy.inbound.count, pipy.outbound.count)
"#,
    )
    .expect("write");
    let (out, err, code) = common::run_in(&dir, &["--instance-name=edge-1", "--instance-uuid=u-123", "main.js"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out, "edge-1 u-123 main.js\nstring true string string\ntrue true\ntrue true true\na.js deep/b.js\n0 0\n",
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `pipy.restart()` reloads the scripts of every worker.
#[test]
fn a_script_restarts_its_program() {
    let script = r#"
var n = 0
pipy().listen($PORT0).serveHTTP(() => { n++; if (n == 1) pipy.restart(); return new Message('loaded ' + n) })
"#;
    let mut s = common::Server::start_with("cli-restart", script, 1, &[], &["--threads", "2"]);
    let _ = common::exchange(s.port(0), b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    s.wait_for("Reloading the scripts", std::time::Duration::from_secs(10));
    s.wait_for("Reloaded", std::time::Duration::from_secs(10));
    let reloads = s.logged(std::time::Duration::from_millis(300)).iter().filter(|l| l.contains("] Reloaded")).count();
    assert_eq!(reloads, 2, "both workers reloaded");
}

/// `--log-file` with `--log-file-max-size` and `--log-file-max-count`: the log also goes to the
/// file, which rotates to `YYYY-MM-DD-HH-MM-SS-pipy.log` and keeps the newest files.
#[test]
fn the_log_goes_to_a_rotating_file() {
    let dir = common::temp_dir("cli-log-file");
    std::fs::create_dir_all(dir.join("logs")).expect("dir");
    std::fs::write(dir.join("main.js"), "for (var i = 0; i < 200; i++) console.log('line', i, 'x'.repeat(40))")
        .expect("write");
    let (_, err, code) = common::run_in(
        &dir,
        &["--log-file=logs/pipy.log", "--log-file-max-size=2k", "--log-file-max-count=3", "main.js"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("line 199"), "the local log still gets every line");
    let mut names: Vec<String> = std::fs::read_dir(dir.join("logs"))
        .expect("logs")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    // `YYYY-MM-DD-HH-MM-SS-`: six numbers, each followed by a dash.
    let dated = |n: &str| n.split('-').take(6).all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    assert!(names.iter().filter(|n| *n != "pipy.log").all(|n| dated(n) && n.ends_with("-pipy.log")), "{names:?}");
    let current = std::fs::read_to_string(dir.join("logs/pipy.log")).expect("current");
    assert!(
        current.len() <= 2048 && current.trim_end().ends_with(&format!("line 199 {}", "x".repeat(40))),
        "{current}"
    );
    let (_, err, code) = common::run_in(&dir, &["--log-file-rotate-interval=soon", "main.js"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a time"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `-f PATH` and `--file=PATH` run a script, as the original takes them.
#[test]
fn a_script_is_named_with_dash_f_too() {
    let dir = common::temp_dir("cli-dash-f");
    std::fs::write(dir.join("s.js"), "println('ran', pipy.argv.join(','))").expect("write");
    for args in [&["-f", "s.js", "--", "a", "b"][..], &["--file=s.js", "--", "a", "b"]] {
        let (out, err, code) = common::run_in(&dir, args);
        assert_eq!((out.as_str(), code), ("ran a,b\n", 0), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A port that cannot be bound stops the start-up, unless `--force-start`: then it is logged and
/// the other ports serve.
#[test]
fn force_start_serves_the_ports_it_can_bind() {
    let busy = std::net::TcpListener::bind("0.0.0.0:0").expect("a port to hold");
    let taken = busy.local_addr().expect("addr").port();
    let script = format!(
        "pipy().listen({taken}).serveHTTP(new Message('no'))\npipy().listen($PORT0).serveHTTP(new Message('yes'))"
    );
    let (_, err, code) =
        common::run_script("cli-no-force", &script.replace("$PORT0", &common::free_port().to_string()), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("Cannot listen on port {taken}")), "{err}");
    let mut s = common::Server::start_with("cli-force", &script, 1, &[], &["--force-start"]);
    s.wait_for(&format!("Cannot listen on port {taken}"), std::time::Duration::from_secs(10));
    let answer = common::exchange(s.port(0), b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    assert!(String::from_utf8_lossy(&answer).ends_with("yes"));
    drop(busy);
}

/// `logging.TextLogger(…).toSyslog(priority, { address })`: RFC 5424 messages over UDP and TCP.
#[test]
fn a_logger_writes_to_syslog_over_udp_and_tcp() {
    use std::io::Read;
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("udp");
    udp.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("tcp");
    let script = format!(
        "new logging.TextLogger('a').toSyslog('WARNING', {{ address: 'udp://{}' }}).log('over udp', 1)\n\
         new logging.TextLogger('b').toSyslog('ERR', {{ address: 'tcp://{}' }}).log('over tcp')\n\
         try {{ new logging.TextLogger('c').toSyslog('LOUD') }} catch (e) {{ println(e.message) }}\n\
         try {{ new logging.TextLogger('d').toSyslog('INFO', {{ adress: 'udp://x:1' }}) }} catch (e) {{ println(e.message.split(' (')[0]) }}",
        udp.local_addr().expect("addr"),
        tcp.local_addr().expect("addr")
    );
    let (out, err, code) = common::run_script("cli-syslog", &script, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "toSyslog(): unknown priority 'LOUD'\ntoSyslog(): unknown option 'adress'\n");
    let mut buf = [0u8; 2048];
    let n = udp.recv(&mut buf).expect("a datagram");
    let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
    // <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG; PRI = user (1) × 8 + warning (4).
    let parts: Vec<&str> = msg.splitn(8, ' ').collect();
    assert_eq!((parts[0], parts[3], parts[5], parts[6], parts[7]), ("<12>1", "pipy", "-", "-", "over udp 1"), "{msg}");
    assert!(parts[1].ends_with('Z') && parts[1].contains('T'), "{msg}");
    let (mut conn, _) = tcp.accept().expect("a connection");
    conn.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    let mut framed = String::new();
    let _ = conn.read_to_string(&mut framed);
    let (len, msg) = framed.split_once(' ').expect("octet counting");
    assert_eq!(len.parse::<usize>().ok(), Some(msg.len()), "{framed}");
    assert!(msg.starts_with("<11>1 ") && msg.ends_with(" - - over tcp"), "{msg}");
}

/// `pipy.import(path)`: a module's exports, the same object for each path, as an `import` gives.
#[test]
fn a_script_imports_a_module_at_run_time() {
    let dir = common::temp_dir("cli-import");
    std::fs::create_dir_all(dir.join("lib")).expect("dir");
    std::fs::write(dir.join("lib/m.js"), "export var answer = 42\nexport default function hi(n) { return 'hi ' + n }")
        .expect("write");
    std::fs::write(
        dir.join("main.js"),
        "var m = pipy.import('./lib/m.js')\nprintln(m.answer, m.default('there'), m === pipy.import('/lib/m.js'))\ntry { pipy.import('./nope.js') } catch (e) { println('missing:', e.message.indexOf('nope.js') >= 0) }",
    )
    .expect("write");
    let (out, err, code) = common::run_in(&dir, &["main.js"]);
    assert_eq!((out.as_str(), code), ("42 hi there true\nmissing: true\n", 0), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `pipy.exit(code)` stops gracefully (the answer in flight goes out, exit callbacks run and
/// their promises are waited for) and the process ends with `code`.
#[test]
fn a_script_exits_gracefully_with_its_code() {
    let script = r#"
pipy.exit(() => { console.log('exit callback'); return new Timeout(0.3).wait().then(() => console.log('after the wait')) })
pipy().listen($PORT0).serveHTTP(() => { pipy.exit(3); return new Message('bye') })
"#;
    let mut s = common::Server::start_with("cli-exit", script, 1, &[], &["--threads", "2"]);
    let answer = common::exchange(s.port(0), b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    assert!(String::from_utf8_lossy(&answer).ends_with("bye"));
    s.wait_for("after the wait", std::time::Duration::from_secs(10));
    // `kill -0` only asks whether it is still there; the exit code is what pipy.exit asked for.
    assert_eq!(s.signal_and_wait("0", std::time::Duration::from_secs(10)), Some(3));
}
