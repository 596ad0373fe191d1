//! Syntax errors and what the compiler refuses (unsupported syntax, early errors).

use super::{Found, Rule};
use crate::check::Project;

pub const RULE: Rule = Rule { name: "syntax-error", code: "E0001", summary: "the script does not parse", run };

fn run(p: &Project, out: &mut Found) {
    for (i, m) in p.modules.iter().enumerate() {
        out.extend(m.syntax.iter().map(|d| (i, d.clone())));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::lint;

    #[test]
    fn fails() {
        insta::assert_snapshot!(lint("pipy()\n  .listen(8080\n  .dump()\n", "E0001"));
    }

    #[test]
    fn passes() {
        assert_eq!(lint("pipy()\n  .listen(8080)\n  .dump()\n", "E0001"), "");
    }
}
