//! `os`: the process environment and the file system, synchronously, as Pipy's `os` namespace:
//! `env`, `platform`, `home()`, `readFile(path) → Data`, `writeFile(path, Data | string)`,
//! `stat(path) → {size, mtime, atime, ctime, mode, isFile(), isDirectory(), …} | null`,
//! `readDir(path)` (directories end with `/`), `unlink`, `mkdir(path, {recursive})`, `rmdir`,
//! `rename`, and `os.path.{basename, dirname, join, resolve, normalize}`. I/O errors become
//! exceptions carrying the operating system's message.

use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_value::{JsResult, Obj, Value, attr, error, ops};
use std::path::{Component, Path, PathBuf};

fn path_arg(args: &[Value], i: usize, what: &str) -> JsResult<String> {
    match arg(args, i) {
        Value::String(s) => Ok(s.to_rust_string()),
        v => Err(error::type_error(&format!("os.{what}(): the path must be a string, got {}", ops::describe(&v)))),
    }
}

fn io_error(what: &str, path: &str, e: std::io::Error) -> Value {
    error::make_error(pipy_value::ErrorKind::Error, &format!("os.{what}('{path}'): {e}"))
}

fn secs(t: std::io::Result<std::time::SystemTime>) -> Value {
    t.ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| Value::num(d.as_secs_f64()))
        .unwrap_or(Value::num(0.0))
}

fn stat(_: &Value, args: &[Value]) -> JsResult<Value> {
    let p = path_arg(args, 0, "stat")?;
    let Ok(m) = std::fs::symlink_metadata(&p) else { return Ok(Value::Null) };
    let o = Obj::ordinary();
    use std::os::unix::fs::MetadataExt;
    for (k, v) in [
        ("dev", m.dev() as f64),
        ("ino", m.ino() as f64),
        ("mode", f64::from(m.mode())),
        ("nlink", m.nlink() as f64),
        ("uid", f64::from(m.uid())),
        ("gid", f64::from(m.gid())),
        ("rdev", m.rdev() as f64),
        ("size", m.len() as f64),
        ("blksize", m.blksize() as f64),
        ("blocks", m.blocks() as f64),
    ] {
        o.define_value(k, Value::num(v), attr::DEFAULT);
    }
    o.define_value("atime", secs(m.accessed()), attr::DEFAULT);
    o.define_value("mtime", secs(m.modified()), attr::DEFAULT);
    o.define_value("ctime", Value::num(m.ctime() as f64), attr::DEFAULT);
    let ft = m.file_type();
    let flags = [
        ("isFile", ft.is_file()),
        ("isDirectory", ft.is_dir()),
        ("isSymbolicLink", ft.is_symlink()),
        ("isFIFO", std::os::unix::fs::FileTypeExt::is_fifo(&ft)),
        ("isSocket", std::os::unix::fs::FileTypeExt::is_socket(&ft)),
        ("isCharacterDevice", std::os::unix::fs::FileTypeExt::is_char_device(&ft)),
        ("isBlockDevice", std::os::unix::fs::FileTypeExt::is_block_device(&ft)),
    ];
    for (name, yes) in flags {
        let f = pipy_value::function::native_function(
            name,
            0,
            std::rc::Rc::new(move |_, _, _| Ok(Value::Bool(yes))),
            false,
        );
        o.define_hidden(name, Value::Object(f));
    }
    Ok(Value::Object(o))
}

/// Lexical normalization: `.` dropped, `..` folded (never above the root).
fn normalize(p: &str) -> String {
    let mut out = PathBuf::new();
    let absolute = p.starts_with('/');
    let mut depth = 0usize;
    for c in Path::new(p).components() {
        match c {
            Component::RootDir => out.push("/"),
            Component::CurDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                if depth > 0 {
                    out.pop();
                    depth -= 1;
                } else if !absolute {
                    out.push("..");
                }
            }
            Component::Normal(n) => {
                out.push(n);
                depth += 1;
            }
        }
    }
    let s = out.to_string_lossy().into_owned();
    if s.is_empty() { ".".to_string() } else { s }
}

fn read_file(args: &[Value], what: &str) -> JsResult<Value> {
    let p = path_arg(args, 0, what)?;
    let bytes = std::fs::read(&p).map_err(|e| io_error(what, &p, e))?;
    Ok(event::data_value(bytes.into()))
}

fn write_file(args: &[Value], what: &str) -> JsResult<Value> {
    let p = path_arg(args, 0, what)?;
    let bytes = match arg(args, 1) {
        v if event::as_data(&v).is_some() => event::as_data(&v).map(|d| d.to_vec()).unwrap_or_default(),
        v => ops::to_rust_string(&v)?.into_bytes(),
    };
    std::fs::write(&p, bytes).map_err(|e| io_error(what, &p, e))?;
    Ok(Value::Undefined)
}

/// The names in a folder, sorted; folders end with `/`.
fn list_dir(args: &[Value], what: &str) -> JsResult<Value> {
    let p = path_arg(args, 0, what)?;
    let mut names: Vec<String> = std::fs::read_dir(&p)
        .map_err(|e| io_error(what, &p, e))?
        .flatten()
        .map(|e| {
            let mut n = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                n.push('/');
            }
            n
        })
        .collect();
    names.sort();
    Ok(ops::new_array(names.into_iter().map(Value::string).collect()))
}

fn strings(args: &[Value]) -> JsResult<Vec<String>> {
    args.iter().map(ops::to_rust_string).collect()
}

pub fn install() {
    let os = Obj::ordinary();
    let env = Obj::ordinary();
    for (k, v) in std::env::vars() {
        env.define_value(k.as_str(), Value::string(v), attr::DEFAULT);
    }
    os.define_value("env", Value::Object(env), attr::DEFAULT);
    os.define_value("platform", Value::str(std::env::consts::OS), attr::DEFAULT);
    util::method(&os, "home", 0, |_, _| Ok(std::env::var("HOME").map(Value::string).unwrap_or(Value::Undefined)));
    util::method(&os, "readFile", 1, |_, args| read_file(args, "readFile"));
    util::method(&os, "read", 1, |_, args| read_file(args, "read"));
    util::method(&os, "writeFile", 2, |_, args| write_file(args, "writeFile"));
    util::method(&os, "write", 2, |_, args| write_file(args, "write"));
    util::method(&os, "chdir", 1, |_, args| {
        let p = path_arg(args, 0, "chdir")?;
        std::env::set_current_dir(&p).map_err(|e| io_error("chdir", &p, e))?;
        Ok(Value::Undefined)
    });
    util::method(&os, "abspath", 1, |_, args| {
        let p = ops::to_rust_string(&arg(args, 0))?;
        let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
        Ok(Value::string(normalize(&if p.starts_with('/') { p } else { format!("{cwd}/{p}") })))
    });
    // `os.rm(path, { recursive, force })`: a file, or a folder with everything in it when
    // recursive; with force, a path that does not exist is no error.
    util::method(&os, "rm", 2, |_, args| {
        let p = path_arg(args, 0, "rm")?;
        let opt = |k: &str| ops::get_str(&arg(args, 1), k).map(|v| v.truthy()).unwrap_or(false);
        let (recursive, force) = (opt("recursive"), opt("force"));
        let r = match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() && recursive => std::fs::remove_dir_all(&p),
            Ok(m) if m.is_dir() => std::fs::remove_dir(&p),
            Ok(_) => std::fs::remove_file(&p),
            Err(e) => Err(e),
        };
        match r {
            Err(e) if force && e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Undefined),
            Err(e) => Err(io_error("rm", &p, e)),
            Ok(()) => Ok(Value::Undefined),
        }
    });
    // `os.kill(pid, signal = 0)`: signal 0 only checks that the process exists (the result
    // says whether it does).
    util::method(&os, "kill", 2, |_, args| {
        let pid = ops::to_number(&arg(args, 0))?;
        let sig = match arg(args, 1) {
            Value::Undefined => 0.0,
            v => ops::to_number(&v)?,
        };
        let valid = pid >= 1.0 && pid.fract() == 0.0 && pid <= i32::MAX as f64;
        let Some(id) = valid.then(|| rustix::process::Pid::from_raw(pid as i32)).flatten() else {
            return Err(error::type_error(&format!("os.kill(): {pid} is not a process id")));
        };
        if sig == 0.0 {
            return Ok(Value::Bool(rustix::process::test_kill_process(id).is_ok()));
        }
        let signal = rustix::process::Signal::from_named_raw(sig as i32)
            .ok_or_else(|| error::type_error(&format!("os.kill(): {sig} is not a signal number")))?;
        rustix::process::kill_process(id, signal).map_err(|e| error::type_error(&format!("os.kill({pid}): {e}")))?;
        Ok(Value::Bool(true))
    });
    util::method(&os, "stat", 1, stat);
    util::method(&os, "readDir", 1, |_, args| list_dir(args, "readDir"));
    util::method(&os, "list", 1, |_, args| list_dir(args, "list"));
    util::method(&os, "unlink", 1, |_, args| {
        let p = path_arg(args, 0, "unlink")?;
        std::fs::remove_file(&p).map_err(|e| io_error("unlink", &p, e))?;
        Ok(Value::Undefined)
    });
    util::method(&os, "mkdir", 2, |_, args| {
        let p = path_arg(args, 0, "mkdir")?;
        let recursive = ops::get_str(&arg(args, 1), "recursive").map(|v| v.truthy()).unwrap_or(false);
        let r = if recursive { std::fs::create_dir_all(&p) } else { std::fs::create_dir(&p) };
        r.map_err(|e| io_error("mkdir", &p, e))?;
        Ok(Value::Undefined)
    });
    util::method(&os, "rmdir", 1, |_, args| {
        let p = path_arg(args, 0, "rmdir")?;
        std::fs::remove_dir(&p).map_err(|e| io_error("rmdir", &p, e))?;
        Ok(Value::Undefined)
    });
    util::method(&os, "rename", 2, |_, args| {
        let from = path_arg(args, 0, "rename")?;
        let to = path_arg(args, 1, "rename")?;
        std::fs::rename(&from, &to).map_err(|e| io_error("rename", &from, e))?;
        Ok(Value::Undefined)
    });
    let path = Obj::ordinary();
    util::method(&path, "basename", 1, |_, args| {
        let p = ops::to_rust_string(&arg(args, 0))?;
        Ok(Value::string(Path::new(&p).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()))
    });
    util::method(&path, "dirname", 1, |_, args| {
        let p = ops::to_rust_string(&arg(args, 0))?;
        let d = Path::new(&p).parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Value::string(if d.is_empty() { ".".to_string() } else { d }))
    });
    util::method(&path, "join", 2, |_, args| Ok(Value::string(normalize(&strings(args)?.join("/")))));
    util::method(&path, "normalize", 1, |_, args| Ok(Value::string(normalize(&ops::to_rust_string(&arg(args, 0))?))));
    util::method(&path, "resolve", 2, |_, args| {
        let mut acc = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
        for s in strings(args)? {
            acc = if s.starts_with('/') { s } else { format!("{acc}/{s}") };
        }
        Ok(Value::string(normalize(&acc)))
    });
    os.define_value("path", Value::Object(path), attr::DEFAULT);
    util::global("os", Value::Object(os));
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("/a/./b/../c/"), "/a/c");
        assert_eq!(normalize("a/../../b"), "../b");
        assert_eq!(normalize("/../x"), "/x");
        assert_eq!(normalize(""), ".");
    }
}
