//! Prints the IR of a script: `cargo run -p pipy-compiler --example dump_ir -- file.js`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_ir FILE");
        std::process::exit(2);
    };
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    match pipy_compiler::dump_ir(&path, &src) {
        Ok(ir) => print!("{ir}"),
        Err(diags) => {
            for d in diags {
                eprint!("{}", d.render(&path, &src));
            }
            std::process::exit(1);
        }
    }
}
