#!/usr/bin/env bash
# HTTP benchmark: (a) a hello server, (b) a reverse proxy demuxHTTP -> muxHTTP -> connect in front
# of an upstream; pipy against nginx doing the same, one worker each, wrk over loopback with the
# server and the client pinned to different cores. Prints requests/s, p99, RSS and the ratio.
#
#   bash bench/http/run.sh            (DURATION=10 CONNECTIONS=50 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get install -y --no-install-recommends nginx-light wrk >/dev/null
fi
cargo build --release -q
PIPY=target/release/pipy
WORK=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for f in $WORK/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  rm -rf $WORK
}
trap cleanup EXIT
UP=19200; NH=19201; NP=19202; PH=19203; PP=19204

cat > $WORK/up.conf <<CONF
worker_processes 1; daemon on; pid $WORK/up.pid; error_log $WORK/up.err;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$UP; location / { return 200 "Hi, there!\n"; } } }
CONF
cat > $WORK/ng.conf <<CONF
worker_processes 1; daemon on; pid $WORK/ng.pid; error_log $WORK/ng.err;
events { worker_connections 4096; }
http {
  access_log off;
  upstream up { server 127.0.0.1:$UP; keepalive 64; }
  server { listen 127.0.0.1:$NH; location / { return 200 "Hi, there!\n"; } }
  server { listen 127.0.0.1:$NP; location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
CONF
taskset -c 1 nginx -c $WORK/up.conf -p $WORK
taskset -c 0 nginx -c $WORK/ng.conf -p $WORK
cat > $WORK/hello.js <<JS
pipy().listen('127.0.0.1:$PH').serveHTTP(new Message('Hi, there!\n'))
.listen('127.0.0.1:$PP').demuxHTTP().to(\$=>\$.muxHTTP().to(\$=>\$.connect('127.0.0.1:$UP')))
JS
taskset -c 0 $PIPY --no-graph --log-level=warn $WORK/hello.js & PIPY_PID=$!
sleep 1
NGX_WORKER=$(pgrep -P "$(cat $WORK/ng.pid)" | head -1)

rss() { awk '/VmRSS/ {print $2}' /proc/$1/status; }
run_wrk() { taskset -c 1 wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency "http://127.0.0.1:$1/"; }
parse() { awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}'; }

printf "\nHTTP/1.1, wrk -t1 -c%s -d%ss, one worker each\n" $CONNECTIONS $DURATION
printf "%-22s %12s %10s %10s %8s\n" scenario "requests/s" p99 "RSS KiB" ratio
for scenario in hello proxy; do
  if [ $scenario = hello ]; then n=$NH; p=$PH; else n=$NP; p=$PP; fi
  run_wrk $n >/dev/null; run_wrk $p >/dev/null
  read NR NL < <(run_wrk $n | parse)
  NRSS=$(rss $NGX_WORKER)
  read PR PL < <(run_wrk $p | parse)
  PRSS=$(rss $PIPY_PID)
  printf "%-22s %12s %10s %10s\n" "nginx $scenario" $NR $NL $NRSS
  printf "%-22s %12s %10s %10s %8s\n" "pipy $scenario" $PR $PL $PRSS "$(awk -v a=$PR -v b=$NR 'BEGIN{printf "%.2f", a/b}')"
done
