//! The crates' dependency edges, read from `cargo metadata`: each crate may depend only on what
//! its job needs (see ARCHITECTURE.md). An edge added by hand that breaks a rule fails here with
//! the path that reaches the forbidden crate.

use std::collections::{HashMap, HashSet, VecDeque};

/// (crate, crates it must not reach through normal dependencies, why).
const NEVER_REACHES: &[(&str, &[&str], &str)] = &[
    (
        "pipy-value",
        &[
            "tokio",
            "mio",
            "socket2",
            "rustls",
            "hyper",
            "h2",
            "pipy-protocols",
            "pipy-engine",
            "pipy-compiler",
            "pipy-stdlib",
            "swc_ecma_parser",
            "cranelift-codegen",
        ],
        "the value core knows no I/O, no parser and no code generator",
    ),
    (
        "pipy-protocols",
        &["pipy-value", "tokio", "mio", "socket2", "rustls", "swc_ecma_parser", "cranelift-codegen"],
        "wire protocols are sans-IO and know no JavaScript values",
    ),
    (
        "pipy-compiler",
        &["pipy-engine", "pipy-protocols", "pipy-stdlib", "tokio", "mio", "rustls"],
        "the compiler depends on the value core alone",
    ),
    (
        "pipy-engine",
        &["swc_ecma_parser", "swc_ecma_ast", "cranelift-codegen", "cranelift-jit", "pipy-compiler", "pipy-stdlib"],
        "the engine knows nothing of SWC or Cranelift",
    ),
    (
        "pipy-stdlib",
        &["swc_ecma_parser", "cranelift-codegen", "cranelift-jit", "pipy-compiler"],
        "the standard library runs on the value core and the engine, not the compiler",
    ),
    ("pipy-lint", &["pipy-program", "pipy-repl"], "the linter never runs a program"),
    (
        "pipy-program",
        &["pipy-repl", "pipy-lint", "rustyline", "pipy-admin", "hyper"],
        "the facade does not depend on the shell or the admin service",
    ),
    (
        "pipy-repo",
        &["pipy-value", "pipy-engine", "tokio", "hyper", "swc_ecma_parser", "cranelift-codegen"],
        "the codebase store is plain data: no JavaScript, no network",
    ),
];

/// (crate, crates it must not name as direct dependencies, why).
const NEVER_NAMES: &[(&str, &[&str], &str)] = &[
    ("pipy-lint", &["tokio", "cranelift-codegen", "cranelift-jit"], "the linter runs nothing and generates no code"),
    ("pipy", &["pipy-compiler", "pipy-value"], "the CLI runs scripts through pipy-program"),
    ("pipy-admin", &["pipy-compiler", "pipy-value"], "the admin service runs programs through pipy-program"),
];

struct Graph {
    names: HashMap<String, String>,
    /// Package id → ids of its normal (not dev, not build) dependencies.
    normal: HashMap<String, Vec<String>>,
}

fn metadata() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--filter-platform", env!("PIPY_TARGET")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let mut names = HashMap::new();
    for p in v["packages"].as_array().expect("packages") {
        names.insert(p["id"].as_str().unwrap_or("").to_string(), p["name"].as_str().unwrap_or("").to_string());
    }
    let mut normal = HashMap::new();
    for node in v["resolve"]["nodes"].as_array().expect("resolve.nodes") {
        let id = node["id"].as_str().unwrap_or("").to_string();
        let deps = node["deps"]
            .as_array()
            .map(|deps| {
                deps.iter()
                    .filter(|d| d["dep_kinds"].as_array().is_some_and(|k| k.iter().any(|k| k["kind"].is_null())))
                    .filter_map(|d| d["pkg"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        normal.insert(id, deps);
    }
    Graph { names, normal }
}

impl Graph {
    fn id_of(&self, name: &str) -> String {
        let ids: Vec<&String> = self.names.iter().filter(|(_, n)| *n == name).map(|(id, _)| id).collect();
        assert_eq!(ids.len(), 1, "one package named {name} in the workspace graph");
        ids[0].clone()
    }

    /// The path from `from` to a package named `to` over normal dependencies, if there is one.
    fn path(&self, from: &str, to: &str) -> Option<Vec<String>> {
        let start = self.id_of(from);
        let mut parent: HashMap<String, String> = HashMap::new();
        let mut seen: HashSet<String> = HashSet::from([start.clone()]);
        let mut queue = VecDeque::from([start.clone()]);
        while let Some(id) = queue.pop_front() {
            if self.names[&id] == to {
                let mut path = vec![self.names[&id].clone()];
                let mut cur = id;
                while let Some(p) = parent.get(&cur) {
                    path.push(self.names[p].clone());
                    cur = p.clone();
                }
                path.reverse();
                return Some(path);
            }
            for d in self.normal.get(&id).into_iter().flatten() {
                if seen.insert(d.clone()) {
                    parent.insert(d.clone(), id.clone());
                    queue.push_back(d.clone());
                }
            }
        }
        None
    }

    fn direct(&self, from: &str) -> Vec<String> {
        self.normal[&self.id_of(from)].iter().map(|d| self.names[d].clone()).collect()
    }
}

#[test]
fn crates_depend_only_on_what_their_job_needs() {
    let graph = metadata();
    let mut broken = Vec::new();
    for (krate, forbidden, why) in NEVER_REACHES {
        for f in *forbidden {
            if let Some(path) = graph.path(krate, f) {
                broken.push(format!("{krate} reaches {f} ({}): {why}", path.join(" → ")));
            }
        }
    }
    for (krate, forbidden, why) in NEVER_NAMES {
        let direct = graph.direct(krate);
        for f in *forbidden {
            if direct.iter().any(|d| d == f) {
                broken.push(format!("{krate} depends on {f} directly: {why}"));
            }
        }
    }
    assert!(broken.is_empty(), "dependency rules broken:\n{}", broken.join("\n"));
}

#[test]
fn the_graph_is_read_through() {
    // The rules above mean something only if the graph has the edges we expect.
    let graph = metadata();
    assert!(graph.path("pipy-engine", "tokio").is_some(), "the engine runs on Tokio");
    assert!(graph.path("pipy-compiler", "pipy-value").is_some(), "the compiler builds on the value core");
    assert!(graph.path("pipy", "pipy-program").is_some());
    assert_eq!(graph.path("pipy-value", "tokio"), None);
}
