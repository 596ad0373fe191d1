//! `console.*` (log lines on stderr), the Pipy globals `print`/`println` (stdout), and the value
//! formatter they share (`inspect.rs`).

pub mod inspect;

pub use inspect::{display, inspect};

use crate::util;
use inspect::{format_number, symbol_string};
use pipy_runtime::{JsResult, JsString, Obj, Value, function, number, ops, realm};
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

/// `YYYY-MM-DD HH:MM:SS.mmm` (UTC) for the current time.
fn timestamp() -> String {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    format_timestamp(d.as_millis() as i64)
}

fn format_timestamp(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:03}",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

fn log_line(level: &str, args: &[Value]) -> JsResult<Value> {
    let line = format!("{} [{level}] {}\n", timestamp(), format_args(args));
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
    let _ = err.flush();
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
    use pipy_runtime::attr;

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
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00.000");
        assert_eq!(format_timestamp(1_709_251_199_123), "2024-02-29 23:59:59.123");
        assert!(call("print", &Value::Undefined, &[Value::str("")]).is_ok());
        assert!(call("console.log", &path("console"), &[Value::str("test line")]).is_ok());
    }
}
