#!/usr/bin/env bash
# HTTP/2 benchmark: h2load against (a) an h2 hello server with prior knowledge, (b) the same over
# TLS (ALPN h2), (c) an h2 -> h2 reverse proxy in front of an upstream; pipy against nginx doing
# the same in the same run, one worker each, the server on core 0 and h2load (and the upstream)
# on core 1. Prints requests/s, p99 (of request times), RSS after the run, and pipy/nginx.
#
#   bash bench/http2/run.sh                     (REQUESTS=1000000 for -m100 rows, 200000 for -m1)
#   PIPY_ORIGINAL=/path/to/original/pipy bash bench/http2/run.sh
#                                               also runs the C++ original on the same scripts
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS=${REQUESTS:-1000000}
REQUESTS_M1=${REQUESTS_M1:-200000}
PIPY_ORIGINAL=${PIPY_ORIGINAL:-}
if ! command -v nginx >/dev/null || ! command -v h2load >/dev/null; then
  apt-get install -y --no-install-recommends nginx-light nghttp2-client >/dev/null
fi
if [ -z "${PIPY:-}" ]; then cargo build --release -q; PIPY=target/release/pipy; fi
WORK=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for f in $WORK/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  rm -rf $WORK
}
trap cleanup EXIT
cp tests/fixtures/tls/server.crt tests/fixtures/tls/server.key $WORK/
UP=19300
# Ports: nginx, pipy, original; for hello (h2c), hello over TLS, proxy.
NH=19310; NT=19311; NP=19312
PH=19320; PT=19321; PP=19322
OH=19330; OT=19331; OP=19332

cat > $WORK/up.conf <<CONF
worker_processes 1; daemon on; pid $WORK/up.pid; error_log $WORK/up.err;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000;
  server { listen 127.0.0.1:$UP http2; location / { return 200 "Hi, there!\n"; } } }
CONF
cat > $WORK/ng.conf <<CONF
worker_processes 1; daemon on; pid $WORK/ng.pid; error_log $WORK/ng.err;
events { worker_connections 4096; }
http {
  access_log off;
  # nginx ends a connection after 1,000 requests by default.
  keepalive_requests 100000000;
  upstream up { server 127.0.0.1:$UP; keepalive 64; }
  server { listen 127.0.0.1:$NH http2; location / { return 200 "Hi, there!\n"; } }
  server { listen 127.0.0.1:$NT ssl http2; ssl_certificate $WORK/server.crt; ssl_certificate_key $WORK/server.key;
           location / { return 200 "Hi, there!\n"; } }
  # nginx speaks HTTP/2 upstream only through its gRPC module.
  server { listen 127.0.0.1:$NP http2; location / { grpc_pass grpc://up; } }
}
CONF
taskset -c 1 nginx -c $WORK/up.conf -p $WORK
taskset -c 0 nginx -c $WORK/ng.conf -p $WORK
script() { # hello-port tls-port proxy-port
  cat <<JS
var cert = new crypto.Certificate(pipy.load('server.crt'))
var key = new crypto.PrivateKey(pipy.load('server.key'))
pipy().listen('127.0.0.1:$1').serveHTTP(new Message('Hi, there!\n'))
.listen('127.0.0.1:$2').acceptTLS({ certificate: { cert, key }, alpn: ['h2', 'http/1.1'] })
  .to(\$=>\$.serveHTTP(new Message('Hi, there!\n')))
.listen('127.0.0.1:$3').demuxHTTP().to(\$=>\$.muxHTTP(() => 'up', { version: 2, maxQueue: 0 }).to(\$=>\$.connect('127.0.0.1:$UP')))
JS
}
script $PH $PT $PP > $WORK/pipy.js
taskset -c 0 $PIPY --no-graph --log-level=warn $WORK/pipy.js & PIPY_PID=$!
if [ -n "$PIPY_ORIGINAL" ]; then
  script $OH $OT $OP > $WORK/original.js
  taskset -c 0 $PIPY_ORIGINAL --log-level=warn $WORK/original.js >/dev/null 2>&1 & ORIGINAL_PID=$!
fi
sleep 1
NGX_WORKER=$(pgrep -P "$(cat $WORK/ng.pid)" | head -1)

rss() { awk '/VmRSS/ {print $2}' /proc/$1/status; }
# h2load prints "finished in …, N req/s" and "requests: … N succeeded"; p99 comes from its
# per-request log (start, status, microseconds).
parse() { awk '/^finished in/ {gsub(",", ""); rps=$4} /^requests:/ {ok=$8} END {print rps, ok}'; }
p99() { cut -f3 "$1" | sort -n | awk '{v[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.2fms", v[i]/1000}'; }
row() { # label pid url clients streams requests
  local r ok
  rm -f $WORK/h2.log   # h2load appends to its log
  read -r r ok < <(taskset -c 1 h2load -c$4 -m$5 -n$6 --log-file=$WORK/h2.log "$3" 2>/dev/null | parse)
  echo "$1 $r $(p99 $WORK/h2.log) $ok $(rss $2)"
}

printf "\nHTTP/2 with h2load, one worker each (pipy/nginx and original/nginx ratios)\n"
printf "%-34s %12s %10s %10s %10s %8s\n" scenario "requests/s" p99 succeeded "RSS KiB" ratio
for case in "hello h2c -c10 -m100:h:10:100:$REQUESTS" "hello h2c -c50 -m1:h:50:1:$REQUESTS_M1" \
            "hello TLS -c10 -m100:t:10:100:$REQUESTS" "hello TLS -c50 -m1:t:50:1:$REQUESTS_M1" \
            "proxy h2->h2 -c10 -m100:p:10:100:$REQUESTS" "proxy h2->h2 -c50 -m1:p:50:1:$REQUESTS_M1"; do
  IFS=: read -r label kind c m n <<< "$case"
  case $kind in h) ports="$NH $PH $OH"; scheme=http;; t) ports="$NT $PT $OT"; scheme=https;; p) ports="$NP $PP $OP"; scheme=http;; esac
  read -r np pp op <<< "$ports"
  read -r _ nr nl nok nrss < <(row nginx $NGX_WORKER $scheme://127.0.0.1:$np/ $c $m $n)
  printf "%-34s %12s %10s %10s %10s %8s\n" "nginx $label" $nr $nl $nok $nrss ""
  read -r _ pr pl pok prss < <(row pipy $PIPY_PID $scheme://127.0.0.1:$pp/ $c $m $n)
  printf "%-34s %12s %10s %10s %10s %8s\n" "pipy $label" $pr $pl $pok $prss "$(awk -v a=$pr -v b=$nr 'BEGIN{printf "%.2f", a/b}')"
  if [ -n "$PIPY_ORIGINAL" ]; then
    read -r _ or ol ook orss < <(row original $ORIGINAL_PID $scheme://127.0.0.1:$op/ $c $m $n)
    printf "%-34s %12s %10s %10s %10s %8s\n" "original $label" $or $ol $ook $orss "$(awk -v a=$or -v b=$nr 'BEGIN{printf "%.2f", a/b}')"
    printf "%-34s %12s\n" "  pipy/original" "$(awk -v a=$pr -v b=$or 'BEGIN{printf "%.2f", a/b}')"
  fi
done
printf "\npipy RSS after all rows: %s KiB (%s requests in all)\n" "$(rss $PIPY_PID)" \
  "$((REQUESTS * 3 + REQUESTS_M1 * 3))"
