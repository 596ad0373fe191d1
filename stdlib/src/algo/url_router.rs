//! `algo.URLRouter`: maps URL patterns (`/exact`, `/prefix/*`, `host.com/x`, `*.host.com/x/*`) to
//! values, and looks a host + path up in them.
//!
//! The rules live in one trie. A host pattern walks its dot-separated labels from the left, then
//! a `/` node; under `/`, an exact pattern is one child keyed by the whole path (it starts with `/`,
//! so it cannot clash with a segment), and a prefix pattern is a chain of segment children ending
//! in `*`. Host-less rules hang off the root's `/` child. Lookup order: the exact host, then
//! `*.` + the host minus its first label, then the host-less rules; within each, an exact path
//! beats the longest matching prefix.

use super::{define_class, instance_proto, string_arg, with_this};
use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Default)]
struct Node {
    children: HashMap<String, Node>,
    value: Value,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.get(name)
    }
    fn child_mut(&mut self, name: &str) -> &mut Node {
        self.children.entry(name.to_string()).or_default()
    }
}

#[derive(Default)]
pub(crate) struct Router {
    root: Node,
}

impl Router {
    pub(crate) fn add(&mut self, url: &str, value: Value) -> Result<(), &'static str> {
        let mut segs = url.split('/');
        let domain = segs.next().unwrap_or("");
        let segs: Vec<&str> = segs.collect();
        let Some(last) = segs.last() else { return Err("invalid URL pattern") };
        if domain.contains(':') {
            return Err("invalid URL pattern");
        }
        let mut node = &mut self.root;
        if !domain.is_empty() {
            for label in domain.split('.') {
                node = node.child_mut(label);
            }
        }
        node = node.child_mut("/");
        if *last == "*" {
            for seg in segs.iter().filter(|s| !s.is_empty()) {
                node = node.child_mut(seg);
            }
            node.value = value;
        } else {
            node.child_mut(&url[domain.len()..]).value = value;
        }
        Ok(())
    }

    /// The value of the best rule for `url` (`host[:port]/path[?query]`), if any rule matches.
    pub(crate) fn find(&self, url: &str) -> Option<Value> {
        let path_start = url.find('/')?;
        let path_end = url[path_start..].find('?').map_or(url.len(), |i| path_start + i);
        let domain_end = url[..path_start].rfind(':').unwrap_or(path_start);
        let domain = &url[..domain_end];
        let path = &url[path_start..path_end];

        let under_host = |node: &Node| -> Option<Value> {
            let slash = node.child("/")?;
            if let Some(exact) = slash.child(path) {
                return Some(exact.value.clone());
            }
            find_path(slash, &path[1..]).map(|n| n.value.clone())
        };

        if !domain.is_empty() {
            if let Some(v) = walk_labels(&self.root, domain).and_then(under_host) {
                return Some(v);
            }
            if let Some((_, rest)) = domain.split_once('.') {
                let wild = self.root.child("*").and_then(|w| walk_labels(w, rest));
                if let Some(v) = wild.and_then(under_host) {
                    return Some(v);
                }
            }
        }
        under_host(&self.root)
    }
}

fn walk_labels<'a>(mut node: &'a Node, domain: &str) -> Option<&'a Node> {
    for label in domain.split('.') {
        node = node.child(label)?;
    }
    Some(node)
}

/// Longest prefix rule under `node` for `rest` (the path after a `/`): descend while segments
/// match, falling back to the deepest `*` on the way.
fn find_path<'a>(node: &'a Node, rest: &str) -> Option<&'a Node> {
    let (seg, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if let Some(c) = node.child(seg) {
        let found = match tail {
            Some(t) if !t.is_empty() => find_path(c, t),
            _ => c.child("*"),
        };
        if found.is_some() {
            return found;
        }
    }
    node.child("*")
}

/// Joins `find()`'s arguments as path parts: exactly one `/` between two parts.
fn join_parts(args: &[Value]) -> JsResult<String> {
    let mut url = String::new();
    let mut first = true;
    for a in args.iter().filter(|a| !a.is_nullish()) {
        let s = ops::to_rust_string(a)?;
        if first {
            url = s;
            first = false;
        } else {
            match (url.ends_with('/'), s.starts_with('/')) {
                (true, true) => url.push_str(&s[1..]),
                (false, false) => {
                    url.push('/');
                    url.push_str(&s);
                }
                _ => url.push_str(&s),
            }
        }
    }
    Ok(url)
}

fn trace_node(n: &Node, v: &mut pipy_value::cycles::Visitor<'_>) {
    v.value(&n.value);
    for c in n.children.values() {
        trace_node(c, v);
    }
}

pub(super) fn install(ns: &Obj) {
    pipy_value::cycles::trace_host::<Router>(|r, v| trace_node(&r.root, v));
    let proto = Obj::ordinary();
    let p = proto.clone();
    define_class(
        ns,
        "URLRouter",
        1,
        &proto,
        Rc::new(move |_, args, nt| {
            let mut router = Router::default();
            if let Value::Object(rules) = arg(args, 0) {
                for k in ops::own_enumerable_keys(&rules) {
                    let v = ops::get_str(&Value::Object(rules.clone()), &k.to_rust_string())?;
                    router.add(&k.to_rust_string(), v).map_err(error::type_error)?;
                }
            }
            let obj = Obj::new(Some(instance_proto(nt, &p)?), ObjectKind::Host(Box::new(router)));
            Ok(Value::Object(obj))
        }),
    );
    util::method(&proto, "add", 2, add);
    util::method(&proto, "find", 1, find);
}

fn add(this: &Value, args: &[Value]) -> JsResult<Value> {
    let url = string_arg(args, 0)?;
    let value = arg(args, 1);
    with_this(this, "URLRouter.prototype.add", |r: &mut Router| r.add(&url, value))?.map_err(error::type_error)?;
    Ok(Value::Undefined)
}

fn find(this: &Value, args: &[Value]) -> JsResult<Value> {
    let url = join_parts(args)?;
    Ok(with_this(this, "URLRouter.prototype.find", |r: &mut Router| r.find(&url))?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::testing::*;
    use pipy_value::function;

    fn router(rules: &[(&str, &str)]) -> Value {
        let o = Obj::ordinary();
        for (k, v) in rules {
            o.define_value(*k, Value::str(v), pipy_value::attr::ENUMERABLE | pipy_value::attr::WRITABLE);
        }
        let ctor = path("algo.URLRouter");
        let Value::Object(c) = ctor else { panic!("no URLRouter") };
        function::construct(&c, &[Value::Object(o)], &c).unwrap_or_else(|e| panic!("threw {}", s(&e)))
    }

    fn find(r: &Value, args: &[Value]) -> String {
        let f = ops::get_str(r, "find").unwrap_or_default();
        s(&function::call(&f, r, args).unwrap_or_else(|e| panic!("threw {}", s(&e))))
    }

    #[test]
    fn seed_article_routes() {
        setup();
        let r = router(&[("/hi/*", "service-hi"), ("/echo", "service-echo"), ("/ip/*", "service-tell-ip")]);
        let host = Value::str("localhost:8000");
        assert_eq!(find(&r, &[host.clone(), Value::str("/hi")]), "service-hi");
        assert_eq!(find(&r, &[host.clone(), Value::str("/hi/")]), "service-hi");
        assert_eq!(find(&r, &[host.clone(), Value::str("/hi/a/b?x=1")]), "service-hi");
        assert_eq!(find(&r, &[host.clone(), Value::str("/echo")]), "service-echo");
        assert_eq!(find(&r, &[host.clone(), Value::str("/echo?x")]), "service-echo");
        assert_eq!(find(&r, &[host.clone(), Value::str("/echo/x")]), "undefined");
        assert_eq!(find(&r, &[host.clone(), Value::str("/ip/1")]), "service-tell-ip");
        assert_eq!(find(&r, &[host.clone(), Value::str("/hix")]), "undefined");
        assert_eq!(find(&r, &[Value::Undefined, Value::str("/hi/x")]), "service-hi");
        assert_eq!(find(&r, &[Value::str("/echo")]), "service-echo");
        assert_eq!(find(&r, &[Value::str("nohost")]), "undefined");
    }

    #[test]
    fn hosts_and_wildcards() {
        setup();
        let r = router(&[
            ("/*", "any"),
            ("/api/*", "api"),
            ("/api/v1", "api-v1-exact"),
            ("host.com/api/*", "host-api"),
            ("*.wild.com/*", "wild"),
        ]);
        assert_eq!(find(&r, &[Value::str("other.com"), Value::str("/api/x")]), "api");
        assert_eq!(find(&r, &[Value::str("other.com"), Value::str("/api/v1")]), "api-v1-exact");
        assert_eq!(find(&r, &[Value::str("host.com:8080"), Value::str("/api/x")]), "host-api");
        assert_eq!(find(&r, &[Value::str("host.com"), Value::str("/api/v1")]), "host-api");
        // A host rule that does not match the path falls back to the host-less rules.
        assert_eq!(find(&r, &[Value::str("host.com"), Value::str("/other")]), "any");
        assert_eq!(find(&r, &[Value::str("a.wild.com"), Value::str("/z")]), "wild");
        assert_eq!(find(&r, &[Value::str("wild.com"), Value::str("/z")]), "any");
        assert_eq!(find(&r, &[Value::str("x"), Value::str("/")]), "any");
    }

    #[test]
    fn add_and_errors() {
        setup();
        let r = router(&[]);
        let add = ops::get_str(&r, "add").unwrap_or_default();
        assert!(function::call(&add, &r, &[Value::str("/a/*"), Value::int(1)]).is_ok());
        assert_eq!(find(&r, &[Value::str("/a/b")]), "1");
        assert!(function::call(&add, &r, &[Value::str("noslash"), Value::int(1)]).is_err());
        assert!(function::call(&add, &r, &[Value::str("h:80/x"), Value::int(1)]).is_err());
        assert!(function::call(&add, &Value::Undefined, &[Value::str("/x"), Value::int(1)]).is_err());
        assert_eq!(join_parts(&[Value::str("a/"), Value::str("/b")]).unwrap_or_default(), "a/b");
        assert_eq!(join_parts(&[Value::str("a"), Value::str("b")]).unwrap_or_default(), "a/b");
    }
}
