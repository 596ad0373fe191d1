//! The seed article's plugin proxy and mock services, unchanged, on their fixed ports
//! (8000, 8080–8082): the answers the article shows, and round-robin balancing that sticks to one
//! target per client connection. One test, so the fixed ports are never used twice at once.

mod common;

use common::{Server, connect, copy_fixture, http_request};

#[test]
fn the_plugin_proxy_routes_balances_and_falls_back_as_the_article_shows() {
    let proxy = Server::spawn_file(copy_fixture("tests/seed", "seed-proxy"), "proxy.js", vec![8000], &[]);

    // No route: the default plugin answers.
    let mut c = connect(8000);
    assert_eq!(
        http_request(&mut c, "GET", "/", b""),
        ("HTTP/1.1 404 Not Found".to_string(), "No handler found".to_string())
    );
    // A route whose services are down.
    let mut c = connect(8000);
    assert_eq!(http_request(&mut c, "GET", "/hi", b"").0, "HTTP/1.1 502 Connection Refused");

    let _mocks =
        Server::spawn_file(copy_fixture("tests/seed", "seed-mocks"), "mock-proxy.js", vec![8080, 8081, 8082], &[]);
    let hi = "Hi, there!\n".to_string();
    let ip = "You are requesting /hi from 127.0.0.1\n".to_string();
    // Separate connections alternate between the two targets of service-hi.
    let mut answers = Vec::new();
    for _ in 0..4 {
        let mut c = connect(8000);
        answers.push(http_request(&mut c, "GET", "/hi", b"").1);
    }
    assert!(
        answers == vec![hi.clone(), ip.clone(), hi.clone(), ip.clone()]
            || answers == vec![ip.clone(), hi.clone(), ip.clone(), hi.clone()],
        "{answers:?}"
    );
    // One keep-alive connection sticks to one target.
    let mut c = connect(8000);
    let first = http_request(&mut c, "GET", "/hi", b"").1;
    for _ in 0..3 {
        assert_eq!(http_request(&mut c, "GET", "/hi", b"").1, first);
    }
    // Echo and tell-ip.
    let mut c = connect(8000);
    assert_eq!(
        http_request(&mut c, "POST", "/echo", b"hello echo"),
        ("HTTP/1.1 200 OK".to_string(), "hello echo".to_string())
    );
    assert_eq!(http_request(&mut c, "GET", "/ip/abc", b"").1, "You are requesting /ip/abc from 127.0.0.1\n");
    drop(proxy);
}
