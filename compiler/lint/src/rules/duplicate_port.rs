//! Two listeners on the same port (and protocol): the second one fails to bind.

use super::{Found, Rule, place};
use crate::Project;
use crate::collect::string_of;
use pipy_compiler::diagnostics::Diagnostic;
use pipy_value::Value;

pub const RULE: Rule = Rule { name: "duplicate-port", code: "E0110", summary: "the same port listened on twice", run };

/// `(ip, port)` of a listen address: a port number, `'port'` or `'ip:port'`.
fn address(v: &Value) -> Option<(String, u16)> {
    match v {
        Value::Number(n) if n.fract() == 0.0 && (0.0..=65535.0).contains(n) => Some((String::new(), *n as u16)),
        Value::String(_) => {
            let s = string_of(v)?;
            match s.rsplit_once(':') {
                Some((ip, port)) => Some((ip.trim_matches(['[', ']']).to_string(), port.parse().ok()?)),
                None => Some((String::new(), s.parse().ok()?)),
            }
        }
        _ => None,
    }
}

fn run(p: &Project, out: &mut Found) {
    let mut seen: Vec<(String, String, u16, usize, u32)> = Vec::new();
    for (i, m) in p.modules.iter().enumerate() {
        for l in &m.facts.listens {
            let Some((ip, port)) = l.port.as_ref().and_then(address) else { continue };
            if port == 0 {
                continue; // any free port
            }
            let proto = l.protocol.clone().unwrap_or_else(|| "tcp".into());
            let clash = seen.iter().find(|(pr, other_ip, pt, _, _)| {
                *pr == proto && *pt == port && (ip.is_empty() || other_ip.is_empty() || *other_ip == ip)
            });
            if let Some((_, _, _, at, pos)) = clash {
                let d = Diagnostic::error(RULE.code, format!("port {port} is listened on twice"), l.pos, l.end)
                    .with_help(format!("it is first listened on at {}", place(p, *at, *pos)));
                out.push((i, d));
            } else {
                seen.push((proto, ip, port, i, l.pos));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{findings, lint};

    #[test]
    fn fails() {
        insta::assert_snapshot!(findings(
            &[
                (
                    "main.js",
                    "((config) =>\npipy()\n  .listen(8080).dump()\n  .listen(config.listen).dump()\n  .listen('127.0.0.1:8080').dummy()\n)(JSON.decode(pipy.load('config.json')))\npipy.listen(8080, $=>$.dump())\n"
                ),
                ("config.json", "{\"listen\": 8080}"),
            ],
            "E0110"
        ));
    }

    #[test]
    fn passes() {
        let src = "pipy()\n  .listen(8080).dump()\n  .listen(8080, { protocol: 'udp' }).dump()\n  .listen('127.0.0.1:8081').dummy()\n  .listen('127.0.0.2:8081').dummy()\n  .listen(0).dummy().listen(0).dummy()\n";
        assert_eq!(lint(src, "E0110"), "");
    }
}
