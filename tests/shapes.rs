//! The seed article's routing and balancing written in the original tutorial's `$=>$` shape and
//! in the 1.x `pipy.listen` shape behave as the 0.x plugin proxy does (tests/seed.rs).

mod common;

use common::{Server, connect, http_request};

const MOCKS: &str = "
pipy()
.listen($PORT1).serveHTTP(new Message('Hi, there!\\n'))
.listen($PORT2).serveHTTP(msg => new Message(msg.body))
.listen($PORT3).serveHTTP(msg => new Message(`You are requesting ${msg.head.path} from ${__inbound.remoteAddress}\\n`));
";

const TUTORIAL_SHAPE: &str = "
((router, services) =>
pipy({ _target: undefined })
.listen($PORT0)
  .demuxHTTP().to($=>$
    .handleMessageStart(msg => (
      _target = services[router.find(msg.head.headers.host, msg.head.path)]?.next?.()
    ))
    .branch(
      () => Boolean(_target), $=>$.muxHTTP(() => _target).to($=>$.connect(() => _target.id)),
      $=>$.replaceMessage(new Message({ status: 404 }, 'No handler found'))
    )
  )
)(
  new algo.URLRouter({ '/hi/*': 'hi', '/echo': 'echo', '/ip/*': 'ip' }),
  {
    hi: new algo.RoundRobinLoadBalancer(['127.0.0.1:$PORT1', '127.0.0.1:$PORT3']),
    echo: new algo.RoundRobinLoadBalancer(['127.0.0.1:$PORT2']),
    ip: new algo.RoundRobinLoadBalancer(['127.0.0.1:$PORT3']),
  }
)
";

const PIPELINE_API_SHAPE: &str = "
var router = new algo.URLRouter({ '/hi/*': 'hi', '/echo': 'echo', '/ip/*': 'ip' })
var services = {
  hi: new algo.RoundRobinLoadBalancer(['127.0.0.1:$PORT1', '127.0.0.1:$PORT3']),
  echo: new algo.RoundRobinLoadBalancer(['127.0.0.1:$PORT2']),
  ip: new algo.RoundRobinLoadBalancer(['127.0.0.1:$PORT3']),
}
var $target

var forward = pipeline($=>$.muxHTTP(() => $target).to($=>$.connect(() => $target.id)))
var notFound = pipeline($=>$.replaceMessage(new Message({ status: 404 }, 'No handler found')))

pipy.listen($PORT0, $=>$
  .demuxHTTP().to($=>$
    .handleMessageStart(msg => {
      $target = services[router.find(msg.head.headers.host, msg.head.path)]?.next?.()
    })
    .pipe(() => $target ? forward : notFound)
  )
)
";

fn check(script: &str, name: &str) {
    let full = format!("{MOCKS}\n{script}");
    let _s = Server::start(name, &full, 4);
    let port = _s.port(0);
    let mut c = connect(port);
    assert_eq!(http_request(&mut c, "GET", "/", b""), ("HTTP/1.1 404 Not Found".into(), "No handler found".into()));
    let hi = "Hi, there!\n".to_string();
    let ip = "You are requesting /hi from 127.0.0.1\n".to_string();
    let answers: Vec<String> = (0..4).map(|_| http_request(&mut connect(port), "GET", "/hi", b"").1).collect();
    assert!(
        answers == [hi.clone(), ip.clone(), hi.clone(), ip.clone()] || answers == [ip.clone(), hi.clone(), ip, hi],
        "{name}: {answers:?}"
    );
    let mut c = connect(port);
    let first = http_request(&mut c, "GET", "/hi", b"").1;
    for _ in 0..3 {
        assert_eq!(http_request(&mut c, "GET", "/hi", b"").1, first, "{name}: one connection sticks to one target");
    }
    assert_eq!(http_request(&mut c, "POST", "/echo", b"echo me").1, "echo me");
    assert_eq!(http_request(&mut c, "GET", "/ip/x", b"").1, "You are requesting /ip/x from 127.0.0.1\n");
}

#[test]
fn routing_and_balancing_in_the_tutorial_shape() {
    check(TUTORIAL_SHAPE, "shape-tutorial");
}

#[test]
fn routing_and_balancing_in_the_pipeline_api_shape() {
    check(PIPELINE_API_SHAPE, "shape-1x");
}
