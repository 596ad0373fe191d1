//! A filter that reads bytes placed where Messages arrive, or the other way round: `serveHTTP()`
//! inside a `demuxHTTP()` sub-pipeline (each request there is already a Message), `muxHTTP()`
//! right after `listen()` (the bytes were never decoded). Such a pipeline builds and runs, and
//! its requests never get an answer.
//!
//! What flows into each pipeline is followed through the module: a port gets bytes; a
//! sub-pipeline of `demuxHTTP`/`demux`/`mux` gets Messages, one of `muxHTTP` gets bytes; `link`,
//! `branch`, `fork`, `use`… pass on what reaches them; decoders and encoders change it.

use super::{Found, Rule};
use crate::Project;
use crate::collect::{Facts, SectionKind, What};
use pipy_compiler::diagnostics::Diagnostic;

pub const RULE: Rule =
    Rule { name: "wrong-event-kind", code: "E0116", summary: "a byte filter fed Messages, or the reverse", run };

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bytes,
    Messages,
    Unknown,
}

/// What a filter needs, if it needs one kind.
fn needs(filter: &str) -> Option<Kind> {
    match filter {
        "serveHTTP" | "demuxHTTP" | "decodeHTTPRequest" | "decodeHTTPResponse" => Some(Kind::Bytes),
        "muxHTTP" | "encodeHTTPRequest" | "encodeHTTPResponse" => Some(Kind::Messages),
        _ => None,
    }
}

/// What comes out of a filter given what goes in.
fn after(filter: &str, input: Kind) -> Kind {
    match filter {
        "decodeHTTPRequest" | "decodeHTTPResponse" | "muxHTTP" | "split" => Kind::Messages,
        "encodeHTTPRequest" | "encodeHTTPResponse" | "serveHTTP" | "demuxHTTP" | "connect" => Kind::Bytes,
        "dump"
        | "print"
        | "tee"
        | "wait"
        | "fork"
        | "forkJoin"
        | "throttleMessageRate"
        | "throttleDataRate"
        | "throttleConcurrency"
        | "detectProtocol"
        | "to" => input,
        f if f.starts_with("handle") => input,
        _ => Kind::Unknown,
    }
}

/// What a sub-pipeline of `filter` gets, when the filter itself gets `input`.
fn into_sub(filter: &str, input: Kind) -> Kind {
    match filter {
        "demuxHTTP" | "demux" | "demuxQueue" | "mux" | "muxQueue" => Kind::Messages,
        "muxHTTP" => Kind::Bytes,
        "link" | "branch" | "branchMessage" | "branchMessageStart" | "fork" | "forkJoin" | "forkRace" | "use"
        | "chain" | "pipe" | "loop" | "repeat" | "replay" => input,
        _ => Kind::Unknown,
    }
}

fn merge(a: Option<Kind>, b: Kind) -> Kind {
    match a {
        None => b,
        Some(a) if a == b => a,
        Some(_) => Kind::Unknown,
    }
}

/// What reaches each link of a module (the kind of event before it).
fn flow(f: &Facts) -> Vec<Kind> {
    let fixed: Vec<Option<Kind>> = f
        .sections
        .iter()
        .map(|s| match s.kind {
            SectionKind::Listen => Some(Kind::Bytes),
            SectionKind::Task => Some(Kind::Unknown),
            _ => None,
        })
        .collect();
    let mut input = fixed.clone();
    let mut before = vec![Kind::Unknown; f.links.len()];
    // Sections feed sections; a few rounds settle it.
    for _ in 0..=f.sections.len().min(16) {
        let mut current: Vec<Kind> = input.iter().map(|k| k.unwrap_or(Kind::Unknown)).collect();
        for (i, l) in f.links.iter().enumerate() {
            let Some(s) = l.section else { continue };
            before[i] = current[s];
            // `.to()` closes its filter: what follows sees that filter's output.
            current[s] = match (l.name.as_str(), l.prev) {
                ("to", Some(p)) => after(&f.links[p].name, before[p]),
                // `listen()`, `pipeline()`… start the section: what arrives passes on.
                _ if matches!(l.what, What::Method(_)) => current[s],
                (name, _) => after(name, current[s]),
            };
        }
        // What a link hands to the sub-pipelines it starts (`.to()` on behalf of its filter).
        let handed = |c: usize| -> Option<Kind> {
            match (f.links[c].name.as_str(), f.links[c].prev) {
                ("to", Some(p)) => Some(into_sub(&f.links[p].name, before[p])),
                ("to", None) => None,
                (name, _) => Some(into_sub(name, before[c])),
            }
        };
        let mut next = fixed.clone();
        for (s, sec) in f.sections.iter().enumerate() {
            if let Some(k) = sec.creator.and_then(handed) {
                next[s] = Some(merge(next[s], k));
            }
        }
        for r in f.refs.iter().filter(|r| r.module.is_none()) {
            let Some(k) = r.from_link.and_then(handed) else { continue };
            for (s, sec) in f.sections.iter().enumerate() {
                if matches!(&sec.kind, SectionKind::Named(n) if *n == r.name) {
                    next[s] = Some(merge(next[s], k));
                }
            }
        }
        if next == input {
            break;
        }
        input = next;
    }
    before
}

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        let before = flow(&m.facts);
        for (j, l) in m.facts.links.iter().enumerate() {
            let Some(need) = needs(&l.name) else { continue };
            if l.filter().is_none() || before[j] == Kind::Unknown || before[j] == need {
                continue;
            }
            let d = match need {
                Kind::Bytes => Diagnostic::error(
                    RULE.code,
                    format!("`{}()` reads HTTP bytes, but Messages arrive here", l.name),
                    l.pos,
                    l.end,
                )
                .with_help("each request here is already a decoded Message: answer it with `replaceMessage(…)`"),
                _ => Diagnostic::error(
                    RULE.code,
                    format!("`{}()` takes Messages, but raw bytes arrive here", l.name),
                    l.pos,
                    l.end,
                )
                .with_help("decode the bytes first, with `demuxHTTP().to(…)` or `decodeHTTPRequest()`"),
            };
            out.push((i, d));
        }
    }
}

#[cfg(test)]
super::rule_tests! {
    fails: "pipy()\n  .listen(8080)\n  .demuxHTTP().to($=>$.link('hello'))\n\
             .pipeline('hello')\n  .serveHTTP(new Message('hi'))\n\
             .listen(8081)\n  .muxHTTP().to($=>$.connect('localhost:8080'))\n",
    passes: "pipy()\n  .listen(8080)\n  .demuxHTTP().to($=>$.link('hello'))\n\
                   .pipeline('hello')\n  .replaceMessage(new Message('hi'))\n\
                   .listen(8081)\n  .serveHTTP(new Message('ok'))\n\
                   .listen(8082)\n  .decodeHTTPRequest()\n  .muxHTTP().to($=>$.connect('localhost:8080'))\n  .encodeHTTPResponse()\n\
                   .listen(8083)\n  .demuxHTTP('req')\n.pipeline('req')\n  .muxHTTP().to($=>$.connect('localhost:8080'))\n",
}
