//! `http.Directory` serving files over a socket: content types, index files, precompressed
//! siblings, 404 for what is missing, and no way out of the directory. `os` on real files.

mod common;

use common::{Server, connect, exchange};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_directory_serves_files_index_pages_and_precompressed_copies() {
    let s = Server::start_with(
        "static",
        "var dir = new http.Directory('www')
         pipy().listen($PORT0).serveHTTP(req => dir.serve(req) || new Message({ status: 404 }, 'nope'))",
        1,
        &[
            ("www/index.html", "<h1>home</h1>"),
            ("www/app.js", "let x = 1"),
            ("www/data.json", "{\"a\":1}"),
            ("www/big.txt", "plain text"),
            ("www/big.txt.gz", "pretend-gzip"),
            ("secret.txt", "do not serve"),
        ],
        &[],
    );
    let get = |path: &str, extra: &str| {
        text(&exchange(s.port(0), format!("GET {path} HTTP/1.1\r\n{extra}connection: close\r\n\r\n").as_bytes()))
    };
    let home = get("/", "");
    assert!(home.contains("content-type: text/html") && home.ends_with("<h1>home</h1>"), "{home}");
    assert!(get("/app.js", "").contains("content-type: application/javascript"));
    assert!(get("/data.json?v=2", "").ends_with("{\"a\":1}"));
    let gz = get("/big.txt", "accept-encoding: gzip, deflate\r\n");
    assert!(gz.contains("content-encoding: gzip") && gz.ends_with("pretend-gzip"), "{gz}");
    assert!(get("/big.txt", "").ends_with("plain text"));
    assert!(get("/missing.html", "").starts_with("HTTP/1.1 404 Not Found"));
    assert!(get("/../secret.txt", "").starts_with("HTTP/1.1 404"));
    assert!(get("/%2e%2e/secret.txt", "").starts_with("HTTP/1.1 404"));
    let _ = connect(s.port(0));
}
