//! Builder chains link by link: sections, filters, sub-pipelines, named pipelines, modules.

use super::*;

impl Walker<'_> {
    // ---- builder chains ----

    pub(super) fn section(&mut self, kind: SectionKind, pos: Pos) -> usize {
        self.f.sections.push(Section { kind, pos, creator: None });
        self.f.sections.len() - 1
    }

    pub(super) fn listen_fact(
        &mut self,
        port: Option<&ArgFact>,
        options: Option<&ArgFact>,
        protocol: Option<String>,
        pos: Pos,
    ) {
        let keys = options.and_then(|a| a.object.as_ref());
        let protocol = protocol.or_else(|| {
            keys.and_then(|k| k.iter().find(|k| k.key == "protocol")).and_then(|k| k.value.as_ref()).and_then(string_of)
        });
        self.f.listens.push(ListenFact {
            port: port.and_then(|a| a.value.clone()),
            options: keys.cloned().unwrap_or_default(),
            protocol,
            pos,
            end: pos + 6,
        });
    }

    /// Reads the links of a chain that starts in `section` (`config`: a Configuration).
    pub(super) fn chain(&mut self, links: &[RawLink<'_>], mut section: Option<usize>, config: bool) {
        // Indices of this chain's links (nested chains push theirs in between).
        let mut mine = Vec::with_capacity(links.len());
        for l in links {
            let name = l.name.as_str();
            let what = match builder::METHODS.iter().find(|m| m.name == name) {
                Some(m) => What::Method(m),
                None => filters::find(name).map(What::Filter).unwrap_or(What::Unknown),
            };
            let facts = self.arg_facts(l.args);
            let mut inline_sub = false;
            let mut takes_subs = false;
            let refs_before = self.f.refs.len();
            match what {
                What::Method(m) => match m.name {
                    "listen" => {
                        section = Some(self.section(SectionKind::Listen, l.pos));
                        self.listen_fact(facts.first(), facts.get(1), None, l.pos);
                    }
                    "pipeline" => {
                        let n = facts.first().and_then(|a| a.value.as_ref()).and_then(string_of).unwrap_or_default();
                        let end =
                            facts.first().and_then(|a| a.pos).map(|p| p + n.len() as u32 + 2).unwrap_or(l.pos + 8);
                        let pos = facts.first().and_then(|a| a.pos).unwrap_or(l.pos);
                        self.f.defs.push(Def { name: n.clone(), pos, end });
                        section = Some(self.section(SectionKind::Named(n), l.pos));
                    }
                    "task" | "watch" | "exit" => section = Some(self.section(SectionKind::Task, l.pos)),
                    "import" => {
                        for k in facts.first().and_then(|a| a.object.as_ref()).into_iter().flatten() {
                            let ns = k.value.as_ref().and_then(string_of).unwrap_or_default();
                            self.f.imports.push(VarFact { namespace: ns, name: k.key.clone(), pos: k.pos });
                        }
                    }
                    "export" => {
                        let ns = facts.first().and_then(|a| a.value.as_ref()).and_then(string_of).unwrap_or_default();
                        for k in facts.get(1).and_then(|a| a.object.as_ref()).into_iter().flatten() {
                            self.f.exports.push(VarFact { namespace: ns.clone(), name: k.key.clone(), pos: k.pos });
                            self.f.context_decls.push((k.key.clone(), k.pos));
                        }
                    }
                    "to" => {
                        self.name_ref(facts.first(), None, true);
                        takes_subs = true;
                    }
                    // `repeat(items, ($, item) => …)` configures once per item in this chain.
                    "repeat" if l.args.len() == 2 => {
                        if let Some(Arg::Expr(Expr::Function(f))) = l.args.get(1) {
                            self.builder(f, section, config);
                            self.args(&l.args[..1]);
                            self.push_link(l, what, facts, section, config, false);
                            mine.push(self.f.links.len() - 1);
                            continue;
                        }
                    }
                    _ => {}
                },
                What::Filter(spec) => {
                    inline_sub = self.filter_refs(spec, &facts, l.args);
                    takes_subs = true;
                }
                What::Unknown => {}
            }
            let refs_mine = self.f.refs.len();
            let mut subs = Vec::new();
            if takes_subs {
                for a in l.args {
                    match a {
                        Arg::Expr(Expr::Function(f)) if self.is_builder_fn(f) => {
                            let s = self.section(SectionKind::Sub, f.pos);
                            subs.push(s);
                            self.builder(f, Some(s), false);
                        }
                        Arg::Expr(x) | Arg::Spread(x) => self.expr(x),
                    }
                }
            } else {
                self.args(l.args);
            }
            self.push_link(l, what, facts, section, config, inline_sub);
            let idx = self.f.links.len() - 1;
            mine.push(idx);
            for r in &mut self.f.refs[refs_before..refs_mine] {
                r.from_link = Some(idx);
            }
            for s in subs {
                self.f.sections[s].creator = Some(idx);
            }
        }
        // Each link knows its neighbours (for `.to()`).
        for (k, &i) in mine.iter().enumerate() {
            if k > 0 {
                self.f.links[i].prev = Some(mine[k - 1]);
            }
            if mine.get(k + 1).is_some_and(|&n| self.f.links[n].name == "to") {
                self.f.links[i].next_is_to = true;
                self.f.links[i].inline_sub = false;
            }
            if self.f.links[i].inline_sub {
                let a = self.f.links[i].args.first().map(|a| (a.value.clone(), a.pos));
                if let Some((value, pos)) = a {
                    let fact = ArgFact { value, pos, object: None, func: None, spread: false };
                    let n = self.f.refs.len();
                    self.name_ref(Some(&fact), None, true);
                    for r in &mut self.f.refs[n..] {
                        r.from_link = Some(i);
                    }
                }
            }
        }
    }

    pub(super) fn push_link(
        &mut self,
        l: &RawLink<'_>,
        what: What,
        args: Vec<ArgFact>,
        section: Option<usize>,
        config: bool,
        inline_sub: bool,
    ) {
        self.f.links.push(Link {
            name: l.name.clone(),
            pos: l.pos,
            end: l.pos + l.name.len() as u32,
            what,
            args,
            section,
            config,
            inline_sub,
            next_is_to: false,
            prev: None,
        });
    }

    /// The pipelines and modules a filter's arguments name; true when a joint filter got its
    /// sub-pipeline as a name (the 0.x `demuxHTTP('request')`).
    pub(super) fn filter_refs(&mut self, spec: &FilterSpec, facts: &[ArgFact], args: &[Arg]) -> bool {
        let first_param = spec.params.trim_start_matches('(').split([',', ')', '?', ' ']).next().unwrap_or("");
        match spec.name {
            "link" | "linkAsync" => {
                for a in facts.iter().step_by(2) {
                    self.name_ref(Some(a), None, true);
                }
                false
            }
            "loop" => {
                self.name_ref(facts.first(), None, true);
                false
            }
            "branch" | "branchMessage" | "branchMessageStart" => {
                let n = facts.len();
                for (i, a) in facts.iter().enumerate() {
                    if i % 2 == 1 || (n % 2 == 1 && i == n - 1) {
                        self.name_ref(Some(a), None, true);
                    }
                }
                false
            }
            "use" => {
                let files = self.module_list(facts.first(), args, "use");
                let single = files.len() == 1 && facts.first().and_then(|a| a.value.as_ref()).is_some_and(is_string);
                for f in &files {
                    for (i, a) in facts.iter().enumerate().skip(1).take(2) {
                        self.name_ref(Some(a), Some(f.clone()), single && i == 1);
                    }
                }
                false
            }
            "chain" => {
                if !facts.is_empty() {
                    self.module_list(facts.first(), args, "chain");
                }
                false
            }
            _ if spec.joint && first_param != "target" && first_param != "sub" => {
                // The ref is recorded by `chain` once it knows no `.to()` follows (which would
                // make the name only the first argument, as fork() takes it).
                facts.first().and_then(|a| a.value.as_ref()).is_some_and(is_string)
            }
            _ => false,
        }
    }

    /// A pipeline named by a string argument.
    pub(super) fn name_ref(&mut self, a: Option<&ArgFact>, module: Option<PathBuf>, required: bool) {
        let Some(a) = a else { return };
        let Some(name) = a.value.as_ref().and_then(string_of) else { return };
        let pos = a.pos.unwrap_or(0);
        if name.is_empty() && module.is_none() {
            return; // `link('')`: bypass
        }
        let end = pos + name.len() as u32 + 2;
        self.f.refs.push(PipelineRef { module, name, pos, end, required, from_link: None });
    }

    /// The modules a `use()`/`chain()` argument names (a file or an array of files).
    pub(super) fn module_list(&mut self, a: Option<&ArgFact>, args: &[Arg], by: &'static str) -> Vec<PathBuf> {
        let Some(value) = a.and_then(|a| a.value.clone()) else {
            self.f.dynamic_modules = true;
            return Vec::new();
        };
        let pos = a.and_then(|a| a.pos).unwrap_or(0);
        let items = match &value {
            Value::String(_) => vec![value.clone()],
            Value::Object(o) if o.is_array() => o.array_elements().unwrap_or_default(),
            _ => {
                self.f.dynamic_modules = true;
                return Vec::new();
            }
        };
        // Literal positions of an array literal's items, when it is one.
        let literal_pos: Vec<Option<Pos>> = match args.first() {
            Some(Arg::Expr(Expr::Array(elems, _))) => elems
                .iter()
                .map(|e| match e {
                    ArrayElem::Expr(x) => expr_pos(x),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(rel) = string_of(item) else {
                self.f.dynamic_modules = true;
                continue;
            };
            let p = literal_pos.get(i).copied().flatten().unwrap_or(pos);
            out.push(self.script_ref(&rel, p, by, false));
        }
        out
    }

    /// A module this one reaches; returns its path.
    pub(super) fn script_ref(&mut self, rel: &str, pos: Pos, by: &'static str, es_import: bool) -> PathBuf {
        let full = if es_import && (rel.starts_with("./") || rel.starts_with("../")) {
            self.file.parent().map(Path::to_path_buf).unwrap_or_default().join(rel)
        } else {
            self.root.join(rel.trim_start_matches('/'))
        };
        let shown = if es_import { rel.to_string() } else { rel.trim_start_matches('/').to_string() };
        let rel_to_root = full.strip_prefix(self.root).map(|p| p.to_string_lossy().into_owned()).unwrap_or(shown);
        let exists = full.is_file();
        self.f.scripts.push(FileRef {
            rel: rel_to_root,
            full: full.clone(),
            pos,
            end: pos + rel.len() as u32 + 2,
            exists,
            by,
        });
        crate::identity(&full)
    }

    pub(super) fn file_ref(&mut self, rel: &str, pos: Pos, by: &'static str) {
        let full = self.root.join(rel.trim_start_matches('/'));
        let exists = full.is_file();
        self.f.files.push(FileRef { rel: rel.to_string(), full, pos, end: pos + rel.len() as u32 + 2, exists, by });
    }

    /// A function whose first parameter is a pipeline builder: `$=>$.filter()…`.
    pub(super) fn is_builder_fn(&self, f: &Function) -> bool {
        let Some(Pattern::Ident(p)) = f.params.first() else { return false };
        if &*p.name == "$" {
            return true;
        }
        // Any other name counts when the body chains a filter on it.
        let Some(Stmt::Return(Some(body), _)) = f.body.first().filter(|_| f.expression) else { return false };
        let (root, links) = flatten(body);
        matches!(root, Expr::Ident(id) if id.name == p.name)
            && links.first().is_some_and(|l| filters::find(&l.name).is_some())
    }

    /// Walks a builder function: chains on its first parameter append to `section`.
    pub(super) fn builder(&mut self, f: &Rc<Function>, section: Option<usize>, config: bool) {
        if let Some(Pattern::Ident(p)) = f.params.first() {
            if let Binding::Decl(d) = p.binding.get() {
                self.builders.insert(d, (section, config));
            }
        }
        self.function(f);
    }

    /// Arguments where builder functions start sub-pipelines of their own.
    pub(super) fn sub_args(&mut self, args: &[Arg]) {
        self.sub_args_in(args, None);
    }

    pub(super) fn sub_args_in(&mut self, args: &[Arg], section: Option<usize>) {
        for a in args {
            match a {
                Arg::Expr(Expr::Function(f)) if self.is_builder_fn(f) => {
                    let s = match section {
                        Some(s) => s,
                        None => self.section(SectionKind::Sub, f.pos),
                    };
                    self.builder(f, Some(s), false);
                }
                Arg::Expr(x) | Arg::Spread(x) => self.expr(x),
            }
        }
    }

    pub(super) fn arg_facts(&self, args: &[Arg]) -> Vec<ArgFact> {
        args.iter()
            .map(|a| match a {
                Arg::Expr(x) => ArgFact {
                    value: self.eval(x),
                    pos: expr_pos(x),
                    object: match x {
                        Expr::Object(props, _) => Some(self.keys(props)),
                        _ => None,
                    },
                    func: match x {
                        Expr::Function(f) => Some(func_fact(f)),
                        _ => None,
                    },
                    spread: false,
                },
                Arg::Spread(x) => ArgFact { value: None, pos: expr_pos(x), object: None, func: None, spread: true },
            })
            .collect()
    }

    pub(super) fn keys(&self, props: &[ObjProp]) -> Vec<KeyFact> {
        props
            .iter()
            .filter_map(|p| match p {
                ObjProp::KeyValue(PropName::Str(k), v, pos) => Some(KeyFact {
                    key: String::from_utf16_lossy(k),
                    pos: *pos,
                    value: self.eval(v),
                    value_pos: expr_pos(v),
                }),
                ObjProp::Shorthand(id) => Some(KeyFact {
                    key: id.name.to_string(),
                    pos: id.pos,
                    value: self.eval_ident(id),
                    value_pos: Some(id.pos),
                }),
                _ => None,
            })
            .collect()
    }
}
