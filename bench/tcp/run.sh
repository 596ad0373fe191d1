#!/usr/bin/env bash
# Raw TCP proxy benchmark: `pipy` (listen -> connect) against nginx's `stream` proxy, both in front
# of the same upstream (nginx serving a small HTTP response), one worker each, load from wrk over
# loopback with the proxy and the client pinned to different cores. Then a 1 GiB echo through the
# pipy proxy with its peak RSS. Prints requests/s, p99 latency, RSS and the ratio to nginx.
#
#   bash bench/tcp/run.sh            (DURATION=10 CONNECTIONS=50 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk || [ ! -e /usr/lib/nginx/modules/ngx_stream_module.so ]; then
  apt-get install -y --no-install-recommends nginx-light wrk libnginx-mod-stream >/dev/null
fi
cargo build --release -q
PIPY=target/release/pipy
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; [ -f $WORK/up.pid ] && kill $(cat $WORK/up.pid) 2>/dev/null; [ -f $WORK/ng.pid ] && kill $(cat $WORK/ng.pid) 2>/dev/null; rm -rf $WORK' EXIT
UP=19100; NGX=19101; PP=19102; ECHO=19103; EP=19104

cat > $WORK/up.conf <<CONF
worker_processes 1; daemon on; pid $WORK/up.pid; error_log $WORK/up.err;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$UP; location / { return 200 "Hi, there!\n"; } } }
CONF
cat > $WORK/ng.conf <<CONF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 1; daemon on; pid $WORK/ng.pid; error_log $WORK/ng.err;
events { worker_connections 4096; }
stream { server { listen 127.0.0.1:$NGX; proxy_pass 127.0.0.1:$UP; } }
CONF
taskset -c 1 nginx -c $WORK/up.conf -p $WORK
taskset -c 0 nginx -c $WORK/ng.conf -p $WORK
cat > $WORK/proxy.js <<JS
pipy().listen('127.0.0.1:$PP').connect('127.0.0.1:$UP')
JS
taskset -c 0 $PIPY --no-graph --log-level=warn $WORK/proxy.js & PIPY_PID=$!
sleep 1

rss() { awk '/VmRSS/ {print $2}' /proc/$1/status; }
hwm() { awk '/VmHWM/ {print $2}' /proc/$1/status; }
run_wrk() { taskset -c 1 wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency "http://127.0.0.1:$1/" ; }
parse() { awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}'; }

run_wrk $NGX >/dev/null  # warm up both
run_wrk $PP >/dev/null
read NGX_RPS NGX_P99 < <(run_wrk $NGX | parse)
NGX_WORKER=$(pgrep -f "nginx: worker process" | while read p; do if grep -q "$WORK/ng.conf" /proc/$(ps -o ppid= -p $p | tr -d ' ')/cmdline 2>/dev/null; then echo $p; fi; done | head -1)
NGX_RSS=$( [ -n "$NGX_WORKER" ] && rss $NGX_WORKER || echo "?")
read PIPY_RPS PIPY_P99 < <(run_wrk $PP | parse)
PIPY_RSS=$(rss $PIPY_PID)
printf "\nraw TCP proxy, wrk -t1 -c%s -d%ss, HTTP upstream behind the proxy\n" $CONNECTIONS $DURATION
printf "%-14s %12s %10s %10s\n" proxy "requests/s" p99 "RSS KiB"
printf "%-14s %12s %10s %10s\n" nginx-stream $NGX_RPS $NGX_P99 $NGX_RSS
printf "%-14s %12s %10s %10s\n" pipy $PIPY_RPS $PIPY_P99 $PIPY_RSS
awk -v a=$PIPY_RPS -v b=$NGX_RPS 'BEGIN { printf "pipy / nginx throughput ratio: %.2f\n", a / b }'
kill $PIPY_PID; wait $PIPY_PID 2>/dev/null || true

# 1 GiB through listen -> connect to an echo listener (a listener with no filters echoes).
cat > $WORK/echo.js <<JS
pipy().listen('127.0.0.1:$ECHO').listen('127.0.0.1:$EP').connect('127.0.0.1:$ECHO')
JS
$PIPY --no-graph --log-level=warn $WORK/echo.js & ECHO_PID=$!
sleep 1
python3 - $EP <<'PY'
import socket, sys, threading, time
port = int(sys.argv[1]); total = 1 << 30; chunk = b"x" * 65536
s = socket.create_connection(("127.0.0.1", port))
got = 0
def reader():
    global got
    while got < total:
        d = s.recv(1 << 20)
        if not d: break
        got += len(d)
t = threading.Thread(target=reader); t.start()
start = time.time(); sent = 0
while sent < total:
    s.sendall(chunk); sent += len(chunk)
t.join(); secs = time.time() - start
print(f"1 GiB echoed through listen -> connect: {got} bytes back in {secs:.1f} s ({got / secs / 1e6:.0f} MB/s)")
PY
echo "pipy peak RSS during the 1 GiB echo: $(hwm $ECHO_PID) KiB (now $(rss $ECHO_PID) KiB)"
