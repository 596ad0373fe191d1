//! `console.*` (log lines on stderr), the Pipy globals `print`/`println` (stdout), and the value
//! formatter they share (`inspect.rs`).

pub mod inspect;

pub use inspect::{display, inspect};

use crate::util;
use inspect::{format_number, symbol_string};
use pipy_value::{JsResult, JsString, Obj, Value, function, number, ops, realm};
use std::io::Write;

/// Node's `util.format`: `%s %d %i %f %j %o %O %c %%` in a leading string, the rest appended.
pub fn format_args(args: &[Value]) -> String {
    let mut out = String::new();
    let mut next = 0;
    if let Some(Value::String(f)) = args.first() {
        next = 1;
        let f = f.to_rust_string();
        let mut chars = f.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let Some(&spec) = chars.peek() else {
                out.push('%');
                break;
            };
            if spec == '%' {
                chars.next();
                out.push('%');
                continue;
            }
            if !"sdifjoOc".contains(spec) || next >= args.len() {
                out.push('%');
                continue;
            }
            chars.next();
            let a = &args[next];
            next += 1;
            out.push_str(&format_spec(spec, a));
        }
    }
    for a in &args[next..] {
        if !out.is_empty() || next > 0 {
            out.push(' ');
        }
        out.push_str(&display(a));
    }
    out
}

fn format_spec(spec: char, a: &Value) -> String {
    match spec {
        's' => match a {
            Value::String(s) => s.to_rust_string(),
            Value::Object(_) => inspect(a),
            Value::Symbol(s) => symbol_string(s),
            Value::Number(n) => format_number(*n),
            other => ops::to_rust_string(other).unwrap_or_default(),
        },
        'd' | 'i' | 'f' => {
            if a.is_object() || matches!(a, Value::Symbol(_)) {
                return "NaN".into();
            }
            let n = ops::to_number(a).unwrap_or(f64::NAN);
            match spec {
                'i' => format_number(n.trunc()),
                'f' => {
                    let s = ops::to_string(a).unwrap_or_else(|_| JsString::empty());
                    let n = number::string_to_number(&JsString::new(s.to_rust_string().trim()));
                    format_number(n)
                }
                _ => format_number(n),
            }
        }
        'j' => {
            let json = realm::registered("JSON.stringify")
                .or_else(|| ops::get_str(&Value::Object(realm::intrinsics().global.clone()), "JSON").ok())
                .unwrap_or_default();
            let stringify = if json.is_callable() { Ok(json) } else { ops::get_str(&json, "stringify") };
            match stringify.and_then(|f| function::call(&f, &Value::Undefined, std::slice::from_ref(a))) {
                Ok(Value::String(s)) => s.to_rust_string(),
                Ok(_) => "undefined".into(),
                Err(_) => "[Circular]".into(),
            }
        }
        'c' => String::new(),
        _ => inspect(a),
    }
}

/// One log line through the runtime's logger, so `--log-level` and `--log-local` apply.
fn log_line(level: &str, args: &[Value]) -> JsResult<Value> {
    use pipy_engine::log::{self, Level};
    let l = match level {
        "DBG" => Level::Debug,
        "WRN" => Level::Warn,
        "ERR" => Level::Error,
        _ => Level::Info,
    };
    if log::enabled(l) {
        log::log(l, &format_args(args));
    }
    Ok(Value::Undefined)
}

fn print_args(args: &[Value], newline: bool) -> JsResult<Value> {
    let mut parts = Vec::with_capacity(args.len());
    for a in args {
        parts.push(ops::to_rust_string(a)?);
    }
    let mut text = parts.join(" ");
    if newline {
        text.push('\n');
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(Value::Undefined)
}

pub fn install() {
    let console = Obj::ordinary();
    util::method(&console, "log", 0, |_, a| log_line("INF", a));
    util::method(&console, "info", 0, |_, a| log_line("INF", a));
    util::method(&console, "debug", 0, |_, a| log_line("DBG", a));
    util::method(&console, "warn", 0, |_, a| log_line("WRN", a));
    util::method(&console, "error", 0, |_, a| log_line("ERR", a));
    util::global("console", Value::Object(console));
    util::global("print", Value::Object(function::native("print", 0, |_, a| print_args(a, false))));
    util::global("println", Value::Object(function::native("println", 0, |_, a| print_args(a, true))));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::testing::*;
    use pipy_value::attr;

    fn obj(props: &[(&str, Value)]) -> Value {
        let o = Obj::ordinary();
        for (k, v) in props {
            o.define_value(*k, v.clone(), attr::DEFAULT);
        }
        Value::Object(o)
    }

    #[test]
    fn format_and_time() {
        setup();
        let args = [
            Value::str("%s is %d years, %i %% %c!"),
            Value::str("Bob"),
            Value::num(42.5),
            Value::num(42.5),
            Value::str("css"),
            Value::int(7),
        ];
        assert_eq!(format_args(&args), "Bob is 42.5 years, 42 % ! 7");
        assert_eq!(format_args(&[Value::int(1), Value::str("a"), obj(&[("b", Value::int(2))])]), "1 a { b: 2 }");
        assert_eq!(format_args(&[Value::str("50%"), Value::str("x")]), "50% x");
        assert!(call("print", &Value::Undefined, &[Value::str("")]).is_ok());
        assert!(call("console.log", &path("console"), &[Value::str("test line")]).is_ok());
    }
}
