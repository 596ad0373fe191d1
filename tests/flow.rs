//! Flow filters over real sockets: a `use` plugin chain with turn-down per connection, and a
//! `fork` mirroring each connection's input to a second listener.

mod common;

use common::{Server, connect, exchange, read_all, send};
use std::time::Duration;

const MAIN: &str = r#"
pipy()
.export('main', { __turnDown: false })

.listen($PORT0)
  .fork().to($=>$.connect('127.0.0.1:$PORT1'))
  .use(['plugins/p1.js', 'plugins/p2.js'], 'request', 'response', () => __turnDown)

.listen($PORT1)
  .handleData(d => console.log('mirror got', d.toString()))
  .replaceData()
"#;

const P1: &str = r#"
pipy()
.import({ __turnDown: 'main' })
.pipeline('request')
  .handleData(d => { if (d.toString().startsWith('deny')) __turnDown = true })
  .replaceData(d => __turnDown ? new Data('denied') : d)
.pipeline('response')
  .replaceData(d => new Data(`<${d}>`))
"#;

const P2: &str = r#"
pipy()
.pipeline('request')
  .replaceData(d => new Data(d.toString().toUpperCase()))
.pipeline('response')
  .replaceData(d => new Data(`[${d}]`))
"#;

fn server(name: &str) -> Server {
    Server::start_with(name, MAIN, 2, &[("plugins/p1.js", P1), ("plugins/p2.js", P2)], &[])
}

#[test]
fn a_plugin_chain_goes_up_and_back_down() {
    let mut s = server("flow-use");
    assert_eq!(exchange(s.port(0), b"hello"), b"<[HELLO]>");
    assert_eq!(exchange(s.port(0), b"deny this"), b"<denied>");
    // The forked copy reaches the second listener while the connection is open.
    let mut c = connect(s.port(0));
    send(&mut c, b"mirrored");
    s.wait_for("mirror got mirrored", Duration::from_secs(10));
    let _ = c.shutdown(std::net::Shutdown::Write);
    assert_eq!(read_all(&mut c), b"<[MIRRORED]>");
}

#[test]
fn each_connection_has_its_own_turn_down() {
    let s = server("flow-use-concurrent");
    let mut a = connect(s.port(0));
    let mut b = connect(s.port(0));
    send(&mut a, b"deny a");
    send(&mut b, b"pass b");
    std::thread::sleep(Duration::from_millis(100));
    let _ = a.shutdown(std::net::Shutdown::Write);
    let _ = b.shutdown(std::net::Shutdown::Write);
    assert_eq!(read_all(&mut a), b"<denied>");
    assert_eq!(read_all(&mut b), b"<[PASS B]>");
}

/// A mirrored copy is delivered even when the client has come and gone before the mirror's
/// connection was up: the fork's branch outlives its parent stream until it ends itself.
#[test]
fn a_fork_branch_outlives_a_short_connection() {
    let script = r#"
pipy()
.listen($PORT0)
  .fork().to($=>$.connect('127.0.0.1:$PORT1'))
  .replaceData(d => new Data('ok'))

.listen($PORT1)
  .handleData(d => console.log('mirror got', d.toString()))
  .replaceData()
"#;
    let mut s = Server::start("flow-fork-outlives", script, 2);
    for i in 0..5 {
        assert_eq!(exchange(s.port(0), format!("quick{i}").as_bytes()), b"ok");
    }
    for i in 0..5 {
        s.wait_for(&format!("mirror got quick{i}"), Duration::from_secs(10));
    }
}
