//! `URL` and `URLSearchParams` as Pipy has them: `new URL(url, base?)` splits a URL into
//! `protocol`, `username`, `password`, `auth`, `host`, `hostname`, `port`, `origin`, `pathname`,
//! `search`, `query` (search without `?`), `hash`, `path` (pathname + search), `href` and
//! `searchParams`; `URLSearchParams` reads `a=1&b=2` (or an object) with `get`, `getAll`,
//! `set`, `toObject`, `toString`. The statics `URL.encode`, `decode`, `encodeComponent`,
//! `decodeComponent` are the global URI functions.

use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use std::rc::Rc;

#[derive(Clone, Default, Debug, PartialEq)]
struct Parts {
    protocol: String,
    username: String,
    password: String,
    hostname: String,
    port: String,
    pathname: String,
    search: String,
    hash: String,
}

fn split_off(s: &str, sep: char) -> (&str, &str) {
    match s.find(sep) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

fn parse_absolute(input: &str) -> Option<Parts> {
    let colon = input.find(':')?;
    let scheme = &input[..colon];
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return None;
    }
    let mut p = Parts { protocol: format!("{}:", scheme.to_ascii_lowercase()), ..Parts::default() };
    let rest = &input[colon + 1..];
    let (rest, hash) = split_off(rest, '#');
    let (rest, search) = split_off(rest, '?');
    p.hash = if hash == "#" { String::new() } else { hash.to_string() };
    p.search = if search == "?" { String::new() } else { search.to_string() };
    if let Some(after) = rest.strip_prefix("//") {
        let (authority, path) = split_off(after, '/');
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (&authority[..i], &authority[i + 1..]),
            None => ("", authority),
        };
        if !userinfo.is_empty() {
            let (u, pw) = split_off(userinfo, ':');
            p.username = u.to_string();
            p.password = pw.trim_start_matches(':').to_string();
        }
        let (host, port) = if hostport.starts_with('[') {
            match hostport.find(']') {
                Some(i) => (&hostport[..=i], hostport[i + 1..].trim_start_matches(':')),
                None => (hostport, ""),
            }
        } else {
            match hostport.rfind(':') {
                Some(i) => (&hostport[..i], &hostport[i + 1..]),
                None => (hostport, ""),
            }
        };
        p.hostname = host.to_ascii_lowercase();
        let default_port = matches!(
            (p.protocol.as_str(), port),
            ("http:", "80") | ("https:", "443") | ("ws:", "80") | ("wss:", "443")
        );
        p.port = if default_port { String::new() } else { port.to_string() };
        p.pathname = if path.is_empty() { "/".to_string() } else { normalize(path) };
    } else {
        p.pathname = rest.to_string();
    }
    Some(p)
}

/// Removes `.` and `..` segments.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if joined.starts_with('/') { joined } else { format!("/{joined}") }
}

fn resolve(input: &str, base: Option<&Parts>) -> Option<Parts> {
    if let Some(p) = parse_absolute(input) {
        return Some(p);
    }
    let base = base?;
    let mut p = base.clone();
    let (rest, hash) = split_off(input, '#');
    p.hash = if hash == "#" { String::new() } else { hash.to_string() };
    if rest.starts_with("//") {
        return parse_absolute(&format!("{}{}", base.protocol, input));
    }
    let (path, search) = split_off(rest, '?');
    if path.is_empty() {
        if !search.is_empty() {
            p.search = search.to_string();
        }
        return Some(p);
    }
    p.search = search.to_string();
    p.pathname = if path.starts_with('/') {
        normalize(path)
    } else {
        let dir = match base.pathname.rfind('/') {
            Some(i) => &base.pathname[..=i],
            None => "/",
        };
        normalize(&format!("{dir}{path}"))
    };
    Some(p)
}

impl Parts {
    fn host(&self) -> String {
        if self.port.is_empty() { self.hostname.clone() } else { format!("{}:{}", self.hostname, self.port) }
    }
    fn auth(&self) -> String {
        if self.password.is_empty() { self.username.clone() } else { format!("{}:{}", self.username, self.password) }
    }
    fn origin(&self) -> String {
        if self.hostname.is_empty() { "null".to_string() } else { format!("{}//{}", self.protocol, self.host()) }
    }
    fn href(&self) -> String {
        let auth = self.auth();
        let at = if auth.is_empty() { String::new() } else { format!("{auth}@") };
        if self.hostname.is_empty() && !self.pathname.starts_with('/') {
            return format!("{}{}{}{}", self.protocol, self.pathname, self.search, self.hash);
        }
        format!("{}//{at}{}{}{}{}", self.protocol, self.host(), self.pathname, self.search, self.hash)
    }
}

struct UrlHost(Parts);

fn define(o: &Obj, k: &str, v: Value) {
    o.define_value(k, v, attr::ENUMERABLE);
}

fn url_object(proto: &Obj, p: Parts) -> JsResult<Value> {
    let o = Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(UrlHost(p.clone()))));
    define(&o, "protocol", Value::string(p.protocol.clone()));
    define(&o, "username", Value::string(p.username.clone()));
    define(&o, "password", Value::string(p.password.clone()));
    define(&o, "auth", Value::string(p.auth()));
    define(&o, "host", Value::string(p.host()));
    define(&o, "hostname", Value::string(p.hostname.clone()));
    define(&o, "port", Value::string(p.port.clone()));
    define(&o, "origin", Value::string(p.origin()));
    define(&o, "pathname", Value::string(p.pathname.clone()));
    define(&o, "search", Value::string(p.search.clone()));
    define(&o, "query", Value::string(p.search.trim_start_matches('?').to_string()));
    define(&o, "hash", Value::string(p.hash.clone()));
    define(&o, "path", Value::string(format!("{}{}", p.pathname, p.search)));
    define(&o, "href", Value::string(p.href()));
    let params = new_search_params(&Value::string(p.search.clone()))?;
    define(&o, "searchParams", params);
    Ok(Value::Object(o))
}

// ---- URLSearchParams ----

struct ParamsHost(Vec<(String, String)>);

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn params_proto() -> Obj {
    match realm::registered("URLSearchParams.prototype") {
        Some(Value::Object(o)) => o,
        _ => realm::intrinsics().object_prototype.clone(),
    }
}

fn new_search_params(init: &Value) -> JsResult<Value> {
    let list = match init {
        Value::Undefined | Value::Null => Vec::new(),
        Value::Object(o) if !o.is_host::<ParamsHost>() => {
            let mut list = Vec::new();
            for k in ops::own_enumerable_keys(o) {
                let v = ops::get(init, &PropKey::from(k.clone()))?;
                let key = k.to_rust_string();
                match &v {
                    Value::Object(a) if a.is_array() => {
                        for item in a.array_elements().unwrap_or_default() {
                            list.push((key.clone(), ops::to_rust_string(&item)?));
                        }
                    }
                    other => list.push((key, ops::to_rust_string(other)?)),
                }
            }
            list
        }
        Value::Object(o) => o.with_host(|p: &mut ParamsHost| p.0.clone()).unwrap_or_default(),
        other => parse_query(&ops::to_rust_string(other)?),
    };
    Ok(Value::Object(Obj::new(Some(params_proto()), ObjectKind::Host(Box::new(ParamsHost(list))))))
}

fn with_params<R>(this: &Value, f: impl FnOnce(&mut Vec<(String, String)>) -> R) -> JsResult<R> {
    match this {
        Value::Object(o) => o.with_host(|p: &mut ParamsHost| f(&mut p.0)),
        _ => None,
    }
    .ok_or_else(|| error::type_error("not a URLSearchParams"))
}

fn install_search_params() {
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    proto.mark_prototype();
    realm::register("URLSearchParams.prototype", Value::Object(proto.clone()));
    util::constructor("URLSearchParams", 1, &proto, Rc::new(|_, args, _| new_search_params(&arg(args, 0))));
    util::method(&proto, "get", 1, |this, args| {
        let k = ops::to_rust_string(&arg(args, 0))?;
        let v = with_params(this, |l| l.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))?;
        Ok(v.map(Value::string).unwrap_or(Value::Null))
    });
    util::method(&proto, "getAll", 1, |this, args| {
        let k = ops::to_rust_string(&arg(args, 0))?;
        let all = with_params(this, |l| l.iter().filter(|(n, _)| *n == k).map(|(_, v)| Value::str(v)).collect())?;
        Ok(ops::new_array(all))
    });
    util::method(&proto, "set", 2, |this, args| {
        let k = ops::to_rust_string(&arg(args, 0))?;
        let v = ops::to_rust_string(&arg(args, 1))?;
        with_params(this, |l| {
            let mut seen = false;
            l.retain_mut(|(n, val)| {
                if *n != k {
                    return true;
                }
                if seen {
                    return false;
                }
                seen = true;
                *val = v.clone();
                true
            });
            if !seen {
                l.push((k, v));
            }
        })?;
        Ok(Value::Undefined)
    });
    util::method(&proto, "toObject", 0, |this, _| {
        let list = with_params(this, |l| l.clone())?;
        let o = Obj::ordinary();
        for (k, v) in list {
            let key = PropKey::from(k.as_str());
            match o.get_own_property(&key).map(|p| p.slot) {
                Some(pipy_value::object::PropSlot::Data(prev)) => {
                    let mut items = match &prev {
                        Value::Object(a) if a.is_array() => a.array_elements().unwrap_or_default(),
                        other => vec![other.clone()],
                    };
                    items.push(Value::string(v));
                    o.define_value(key, ops::new_array(items), attr::DEFAULT);
                }
                _ => o.define_value(key, Value::string(v), attr::DEFAULT),
            }
        }
        Ok(Value::Object(o))
    });
    util::method(&proto, "toString", 0, |this, _| {
        let list = with_params(this, |l| l.clone())?;
        let s: Vec<String> = list.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect();
        Ok(Value::string(s.join("&")))
    });
}

pub fn install() {
    install_search_params();
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    proto.mark_prototype();
    let p2 = proto.clone();
    let ctor = util::constructor(
        "URL",
        2,
        &proto,
        Rc::new(move |_, args, _| {
            let input = ops::to_rust_string(&arg(args, 0))?;
            let base = match arg(args, 1) {
                Value::Undefined => None,
                Value::Object(o) if o.is_host::<UrlHost>() => o.with_host(|u: &mut UrlHost| u.0.clone()),
                v => Some(
                    parse_absolute(&ops::to_rust_string(&v)?).ok_or_else(|| error::type_error("Invalid base URL"))?,
                ),
            };
            let parts = resolve(input.trim(), base.as_ref())
                .ok_or_else(|| error::type_error(&format!("Invalid URL: {input}")))?;
            url_object(&p2, parts)
        }),
    );
    util::method(&proto, "toString", 0, |this, _| ops::get_str(this, "href"));
    let global = Value::Object(realm::intrinsics().global.clone());
    for (name, global_name) in [
        ("encode", "encodeURI"),
        ("decode", "decodeURI"),
        ("encodeComponent", "encodeURIComponent"),
        ("decodeComponent", "decodeURIComponent"),
    ] {
        if let Ok(f) = ops::get_str(&global, global_name) {
            if f.is_callable() {
                ctor.define_hidden(name, f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves() {
        let p = parse_absolute("http://user:pw@Example.com:8080/a/b/../c?x=1&y=2#top").unwrap_or_default();
        assert_eq!(p.protocol, "http:");
        assert_eq!((p.username.as_str(), p.password.as_str()), ("user", "pw"));
        assert_eq!((p.hostname.as_str(), p.port.as_str()), ("example.com", "8080"));
        assert_eq!(p.pathname, "/a/c");
        assert_eq!((p.search.as_str(), p.hash.as_str()), ("?x=1&y=2", "#top"));
        assert_eq!(p.href(), "http://user:pw@example.com:8080/a/c?x=1&y=2#top");
        assert_eq!(parse_absolute("https://h:443/").unwrap_or_default().host(), "h");
        let base = parse_absolute("http://h/dir/page?q").unwrap_or_default();
        assert_eq!(resolve("other", Some(&base)).unwrap_or_default().href(), "http://h/dir/other");
        assert_eq!(resolve("/root?z", Some(&base)).unwrap_or_default().href(), "http://h/root?z");
        assert_eq!(resolve("../up", Some(&base)).unwrap_or_default().href(), "http://h/up");
        assert!(resolve("relative", None).is_none());
    }

    #[test]
    fn query_strings() {
        assert_eq!(
            parse_query("?a=1&b=x%20y&a=2&c"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("a".into(), "2".into()),
                ("c".into(), "".into())
            ]
        );
        assert_eq!(percent_encode("a b&c=é"), "a+b%26c%3D%C3%A9");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
