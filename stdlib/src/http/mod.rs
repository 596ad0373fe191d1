//! The `http` namespace's static-file helpers: `http.File.from(path)` with
//! `toMessage(acceptEncoding?)` (serving a precompressed `path.br` / `path.gz` beside the file
//! when the client accepts it), and `new http.Directory(root, {index, contentTypes,
//! defaultContentType})` whose `serve(request)` answers a request under `root` or returns
//! undefined. Paths are relative to the codebase (the main script's folder); `..` cannot leave
//! the directory.

mod agent;
mod matcher;

use crate::util::{self, arg};
use pipy_engine::pipeline::data::Data;
use pipy_engine::pipeline::event::{self, Message};
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

const DEFAULT_TYPES: &[(&str, &str)] = &[
    ("html", "text/html"),
    ("htm", "text/html"),
    ("css", "text/css"),
    ("xml", "text/xml"),
    ("txt", "text/plain"),
    ("gif", "image/gif"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("svg", "image/svg+xml"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("ico", "image/x-icon"),
    ("js", "application/javascript"),
    ("json", "application/json"),
];

struct FileHost {
    path: PathBuf,
    content_type: String,
}

struct DirHost {
    root: PathBuf,
    index: Vec<String>,
    types: Vec<(String, String)>,
    default_type: String,
}

fn content_type(path: &Path, types: &[(String, String)], default: &str) -> String {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    types.iter().find(|(e, _)| *e == ext).map(|(_, t)| t.clone()).unwrap_or_else(|| default.to_string())
}

fn default_types() -> Vec<(String, String)> {
    DEFAULT_TYPES.iter().map(|(e, t)| (e.to_string(), t.to_string())).collect()
}

fn file_proto() -> Obj {
    match realm::registered("http.File.prototype") {
        Some(Value::Object(o)) => o,
        _ => realm::intrinsics().object_prototype.clone(),
    }
}

fn file_value(path: PathBuf, content_type: String) -> Value {
    Value::Object(Obj::new(Some(file_proto()), ObjectKind::Host(Box::new(FileHost { path, content_type }))))
}

/// The response for a file: its bytes (or a precompressed sibling the client accepts).
fn to_message(path: &Path, content_type: &str, accept: &str) -> JsResult<Value> {
    let accepts = |token: &str| accept.split(',').any(|t| t.split(';').next().unwrap_or("").trim() == token);
    let mut encoding = None;
    let mut bytes = None;
    for (token, ext) in [("br", "br"), ("gzip", "gz")] {
        if accepts(token) {
            let mut p = path.as_os_str().to_owned();
            p.push(format!(".{ext}"));
            if let Ok(b) = std::fs::read(PathBuf::from(p)) {
                encoding = Some(token);
                bytes = Some(b);
                break;
            }
        }
    }
    let bytes = match bytes {
        Some(b) => b,
        None => std::fs::read(path).map_err(|e| {
            error::make_error(pipy_value::ErrorKind::Error, &format!("http.File: {}: {e}", path.display()))
        })?,
    };
    let headers = Obj::ordinary();
    headers.define_value("content-type", Value::str(content_type), attr::DEFAULT);
    if let Some(enc) = encoding {
        headers.define_value("content-encoding", Value::str(enc), attr::DEFAULT);
    }
    let head = Obj::ordinary();
    head.define_value("status", Value::num(200.0), attr::DEFAULT);
    head.define_value("headers", Value::Object(headers), attr::DEFAULT);
    Ok(event::message_value(Message { head: Value::Object(head), body: Data::from(bytes), ..Message::default() }))
}

/// `root` joined with a request path, refusing anything that climbs out.
fn under(root: &Path, request_path: &str) -> Option<PathBuf> {
    let path = request_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path);
    let mut out = root.to_path_buf();
    for c in Path::new(&decoded).components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// `%XX` escapes of a URL path decoded (malformed ones are kept as they are).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn serve(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(o) = this else { return Err(error::type_error("not an http.Directory")) };
    let Some((root, index, types, default_type)) =
        o.with_host(|d: &mut DirHost| (d.root.clone(), d.index.clone(), d.types.clone(), d.default_type.clone()))
    else {
        return Err(error::type_error("not an http.Directory"));
    };
    let req = arg(args, 0);
    let head = match event::as_message(&req) {
        Some(m) => event::script_value(&m.head),
        None => req,
    };
    let path = ops::to_rust_string(&ops::get_str(&head, "path")?)?;
    let accept = match ops::get_str(&head, "headers")
        .and_then(|h| if h.is_object() { ops::get_str(&h, "accept-encoding") } else { Ok(Value::Undefined) })?
    {
        Value::Undefined | Value::Null => String::new(),
        v => ops::to_rust_string(&v)?,
    };
    let Some(mut file) = under(&root, &path) else { return Ok(Value::Undefined) };
    if file.is_dir() {
        match index.iter().map(|i| file.join(i)).find(|p| p.is_file()) {
            Some(p) => file = p,
            None => return Ok(Value::Undefined),
        }
    }
    if !file.is_file() {
        return Ok(Value::Undefined);
    }
    let ct = content_type(&file, &types, &default_type);
    to_message(&file, &ct, &accept)
}

pub fn install() {
    let http = Obj::ordinary();
    let fproto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    fproto.mark_prototype();
    realm::register("http.File.prototype", Value::Object(fproto.clone()));
    util::method(&fproto, "toMessage", 1, |this, args| {
        let Value::Object(o) = this else { return Err(error::type_error("not an http.File")) };
        let Some((path, ct)) = o.with_host(|f: &mut FileHost| (f.path.clone(), f.content_type.clone())) else {
            return Err(error::type_error("not an http.File"));
        };
        let accept = match arg(args, 0) {
            Value::Undefined | Value::Null => String::new(),
            v => ops::to_rust_string(&v)?,
        };
        to_message(&path, &ct, &accept)
    });
    let file_ctor = Obj::ordinary();
    util::method(&file_ctor, "from", 1, |_, args| {
        let p = ops::to_rust_string(&arg(args, 0))?;
        let full = crate::pipy::resolve_path(&p);
        if !full.is_file() {
            return Err(error::make_error(pipy_value::ErrorKind::Error, &format!("http.File.from(): no file '{p}'")));
        }
        let ct = content_type(&full, &default_types(), "application/octet-stream");
        Ok(file_value(full, ct))
    });
    http.define_hidden("File", Value::Object(file_ctor));

    let dproto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    dproto.mark_prototype();
    util::method(&dproto, "serve", 1, serve);
    let d2 = dproto.clone();
    let dir_ctor = pipy_value::function::native_function(
        "Directory",
        2,
        Rc::new(move |_, args, _| {
            let root = crate::pipy::resolve_path(&ops::to_rust_string(&arg(args, 0))?);
            let opts = arg(args, 1);
            let get = |k: &str| if opts.is_object() { ops::get_str(&opts, k) } else { Ok(Value::Undefined) };
            let index = match get("index")? {
                Value::Undefined => vec!["index.html".to_string(), "index.htm".to_string()],
                Value::Object(a) if a.is_array() => {
                    a.array_elements().unwrap_or_default().iter().map(ops::to_rust_string).collect::<JsResult<_>>()?
                }
                v => vec![ops::to_rust_string(&v)?],
            };
            let mut types = default_types();
            let v = get("contentTypes")?;
            if let Value::Object(o) = &v {
                for k in ops::own_enumerable_keys(o) {
                    let t = ops::to_rust_string(&ops::get(&v, &PropKey::from(k.clone()))?)?;
                    types.insert(0, (k.to_rust_string(), t));
                }
            }
            let default_type = match get("defaultContentType")? {
                Value::Undefined => "application/octet-stream".to_string(),
                v => ops::to_rust_string(&v)?,
            };
            let host = DirHost { root, index, types, default_type };
            Ok(Value::Object(Obj::new(Some(d2.clone()), ObjectKind::Host(Box::new(host)))))
        }),
        true,
    );
    dir_ctor.define_value("prototype", Value::Object(dproto.clone()), 0);
    dproto.define_hidden("constructor", Value::Object(dir_ctor.clone()));
    http.define_hidden("Directory", Value::Object(dir_ctor));
    agent::install(&http);
    matcher::install(&http);
    util::global("http", Value::Object(http));
}

#[cfg(test)]
mod tests {
    use super::under;
    use std::path::Path;

    #[test]
    fn request_paths_stay_under_the_root() {
        let root = Path::new("/srv/www");
        assert_eq!(under(root, "/a/b.html?x=1"), Some(root.join("a/b.html")));
        assert_eq!(under(root, "/a%20b.txt"), Some(root.join("a b.txt")));
        assert_eq!(under(root, "/../etc/passwd"), None);
        assert_eq!(under(root, "/a/%2e%2e/%2e%2e/etc"), None);
        assert_eq!(under(root, "/"), Some(root.to_path_buf()));
    }
}
