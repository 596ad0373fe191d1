//! `new http.Match(pattern)`: a function that matches request paths against a pattern of
//! segments, as the original's: `/users/{id}/posts/*`. A `{name}` segment takes any one segment
//! and returns it under that name; `*` as the last segment takes the rest of the path (under
//! `*`), anywhere else any one segment; other segments must equal the path's, ignoring case.
//! Called with a path (or a request head, whose `path` is used) it returns the captured values
//! as an object, or null when the path does not match. A `?query` or `#fragment` right after
//! the last segment is ignored, and so is a `/` that ends the path.

use crate::util::arg;
use pipy_value::{JsResult, Obj, Value, attr, error, function, ops};
use std::rc::Rc;

#[derive(Debug, PartialEq)]
enum Section {
    /// `{name}`
    Capture(String),
    /// `*`
    Any,
    Literal(String),
}

fn parse(pattern: &str) -> Result<Vec<Section>, &'static str> {
    let Some(rest) = pattern.strip_prefix('/') else { return Err("path pattern must begin with '/'") };
    rest.split('/')
        .map(|seg| match seg {
            "" => Err("invalid path pattern"),
            "*" => Ok(Section::Any),
            s if s.starts_with('{') && s.ends_with('}') && s.len() >= 2 => {
                Ok(Section::Capture(s[1..s.len() - 1].to_string()))
            }
            s if s.starts_with('{') || s.starts_with('*') => Err("invalid path pattern"),
            s => Ok(Section::Literal(s.to_string())),
        })
        .collect()
}

/// The captures of `path` by `sections`, or None.
fn exec(sections: &[Section], path: &str) -> Option<Vec<(String, String)>> {
    // A trailing `/` does not count; a segment ends at `/`, `?` or `#`.
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut out = Vec::new();
    let mut rest = path;
    for (i, sec) in sections.iter().enumerate() {
        let r = rest.strip_prefix('/')?;
        let n = r.find(['/', '?', '#']).unwrap_or(r.len());
        if n == 0 {
            return None;
        }
        let seg = &r[..n];
        match sec {
            Section::Capture(name) => out.push((name.clone(), seg.to_string())),
            Section::Any if i + 1 == sections.len() => {
                // The last `*` takes the rest, up to a query or fragment.
                let all = r.find(['?', '#']).unwrap_or(r.len());
                out.push(("*".to_string(), r[..all].to_string()));
                rest = &r[all..];
                continue;
            }
            Section::Any => {}
            Section::Literal(l) => {
                if !l.eq_ignore_ascii_case(seg) {
                    return None;
                }
            }
        }
        rest = &r[n..];
    }
    (rest.is_empty() || rest.starts_with(['?', '#'])).then_some(out)
}

pub(super) fn install(http: &Obj) {
    let ctor = function::native_function(
        "Match",
        1,
        Rc::new(|_, args, _| {
            let pattern = ops::to_rust_string(&arg(args, 0))?;
            let sections = Rc::new(parse(&pattern).map_err(|e| error::type_error(&format!("new http.Match(): {e}")))?);
            let matcher = move |_: &Value, args: &[Value], _: Option<&Obj>| -> JsResult<Value> {
                let a = arg(args, 0);
                let path = match &a {
                    Value::String(_) => ops::to_rust_string(&a)?,
                    Value::Object(_) => ops::to_rust_string(&ops::get_str(&a, "path")?)?,
                    _ => return Err(error::type_error("http.Match: expected a path or a request head")),
                };
                Ok(match exec(&sections, &path) {
                    Some(caps) => {
                        let o = Obj::ordinary();
                        for (k, v) in caps {
                            o.define_value(k.as_str(), Value::string(v), attr::DEFAULT);
                        }
                        Value::Object(o)
                    }
                    None => Value::Null,
                })
            };
            Ok(Value::Object(function::native_function("match", 1, Rc::new(matcher), false)))
        }),
        true,
    );
    http.define_hidden("Match", Value::Object(ctor));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, path: &str) -> Option<Vec<(String, String)>> {
        exec(&parse(p).unwrap_or_default(), path)
    }

    #[test]
    fn paths_match_as_the_originals_do() {
        let caps = |v: &[(&str, &str)]| Some(v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>());
        assert_eq!(m("/users/{id}", "/users/42"), caps(&[("id", "42")]));
        assert_eq!(m("/users/{id}", "/USERS/42?x=1"), caps(&[("id", "42")]));
        assert_eq!(m("/users/{id}", "/users/42/"), caps(&[("id", "42")]));
        assert_eq!(m("/users/{id}", "/users/42/?x=1"), None, "as the original: only a final / is dropped");
        assert_eq!(m("/users/{id}", "/users/42/posts"), None);
        assert_eq!(m("/users/{id}", "/users"), None);
        assert_eq!(m("/files/*", "/files/a/b/c.txt?dl=1"), caps(&[("*", "a/b/c.txt")]));
        assert_eq!(m("/a/*/c", "/a/b/c"), caps(&[]));
        assert_eq!(m("/a/*/c", "/a//c"), None);
        assert!(parse("users").is_err() && parse("/a//b").is_err() && parse("/{x").is_err());
    }
}
