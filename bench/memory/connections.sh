#!/usr/bin/env bash
# Memory and sockets per connection, pipy next to nginx (one worker each):
#   - idle RSS of a hello server (nginx: master and worker together);
#   - N idle keep-alive connections (each made one request): RSS and the cost of one;
#   - after they close: RSS again (freed memory given back?);
#   - churn: N short keep-alive clients through a reverse proxy (one request each, then close):
#     the proxy's open fds and RSS before and after;
#   - `Connection: close` traffic through the proxy: requests/s (wrk).
#
#   bash bench/memory/connections.sh      (CONNECTIONS=10000 CHURN=10000 DURATION=5)
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-10000}
CHURN=${CHURN:-10000}
DURATION=${DURATION:-5}
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get install -y --no-install-recommends nginx-light wrk >/dev/null
fi
if [ -z "${PIPY:-}" ]; then cargo build --release -q; PIPY=target/release/pipy; fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
WORK=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for f in "$WORK"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
UP=19510; NH=19511; NP=19512; PH=19513; PP=19514

cat > "$WORK/up.conf" <<CONF
worker_processes 1; daemon on; pid $WORK/up.pid; error_log $WORK/up.err;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$UP; location / { return 200 "hi\n"; } } }
CONF
cat > "$WORK/ng.conf" <<CONF
worker_processes 1; daemon on; pid $WORK/ng.pid; error_log $WORK/ng.err;
worker_rlimit_nofile 30000;
events { worker_connections 30000; }
http {
  access_log off;
  upstream up { server 127.0.0.1:$UP; keepalive 64; }
  server { listen 127.0.0.1:$NH; location / { return 200 "hi\n"; } }
  server { listen 127.0.0.1:$NP; location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
CONF
cat > "$WORK/hello.js" <<JS
pipy().listen('127.0.0.1:$PH').serveHTTP(new Message('hi\n'))
JS
cat > "$WORK/proxy.js" <<JS
pipy().listen('127.0.0.1:$PP').demuxHTTP().to(\$=>\$.muxHTTP().to(\$=>\$.connect('127.0.0.1:$UP')))
JS
nginx -c "$WORK/up.conf"
nginx -c "$WORK/ng.conf"
"$PIPY" --no-graph "$WORK/hello.js" 2>"$WORK/hello.log" &
HELLO=$!
"$PIPY" --no-graph "$WORK/proxy.js" 2>"$WORK/proxy.log" &
PROXY=$!
sleep 1
NGINX_MASTER=$(cat "$WORK/ng.pid")

cat > "$WORK/measure.py" <<'PY'
import socket, sys, time, os, threading

def pids_of(spec):
    # "pipy:PID" or "nginx:MASTER" (master and its workers)
    kind, pid = spec.split(':')
    pids = [int(pid)]
    if kind == 'nginx':
        for p in os.listdir('/proc'):
            if p.isdigit():
                try:
                    if int(open(f'/proc/{p}/stat').read().split(')')[1].split()[1]) == int(pid):
                        pids.append(int(p))
                except OSError:
                    pass
    return pids

def rss(spec):
    total = 0
    for p in pids_of(spec):
        for line in open(f'/proc/{p}/status'):
            if line.startswith('VmRSS'):
                total += int(line.split()[1])
    return total

def fds(spec):
    return sum(len(os.listdir(f'/proc/{p}/fd')) for p in pids_of(spec))

def request(s):
    s.sendall(b'GET / HTTP/1.1\r\nhost: x\r\n\r\n')
    got = b''
    while b'hi\n' not in got:
        chunk = s.recv(4096)
        if not chunk:
            raise IOError('closed')
        got += chunk

def idle(spec, port, n):
    time.sleep(0.5)
    r0 = rss(spec)
    conns = []
    for _ in range(n):
        s = socket.create_connection(('127.0.0.1', port))
        request(s)
        conns.append(s)
    time.sleep(1)
    r1 = rss(spec)
    for s in conns:
        s.close()
    time.sleep(2.5)
    r2 = rss(spec)
    return r0, r1, (r1 - r0) * 1024 / n, r2

def churn(spec, port, n):
    time.sleep(0.5)
    f0, r0 = fds(spec), rss(spec)
    errors = [0]
    def worker(count):
        for _ in range(count):
            try:
                s = socket.create_connection(('127.0.0.1', port))
                request(s)
                s.close()
            except OSError:
                errors[0] += 1
    threads = [threading.Thread(target=worker, args=(n // 20,)) for _ in range(20)]
    for t in threads: t.start()
    for t in threads: t.join()
    time.sleep(2.5)
    return f0, fds(spec), r0, rss(spec), errors[0]

mode, spec, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if mode == 'idle':
    print(' '.join(f'{x:.0f}' for x in idle(spec, port, n)))
else:
    print(' '.join(str(x) for x in churn(spec, port, n)))
PY

conn_close_rate() {
  wrk -t1 -c50 -d"${DURATION}s" -H 'Connection: close' "http://127.0.0.1:$1/" 2>/dev/null | awk '/Requests\/sec/ {printf "%d", $2}'
}

read -r P_IDLE P_OPEN P_PER P_AFTER <<<"$(python3 "$WORK/measure.py" idle "pipy:$HELLO" $PH "$CONNECTIONS")"
read -r N_IDLE N_OPEN N_PER N_AFTER <<<"$(python3 "$WORK/measure.py" idle "nginx:$NGINX_MASTER" $NH "$CONNECTIONS")"
read -r PF0 PF1 PR0 PR1 PERR <<<"$(python3 "$WORK/measure.py" churn "pipy:$PROXY" $PP "$CHURN")"
read -r NF0 NF1 NR0 NR1 NERR <<<"$(python3 "$WORK/measure.py" churn "nginx:$NGINX_MASTER" $NP "$CHURN")"
P_RATE=$(conn_close_rate $PP)
N_RATE=$(conn_close_rate $NP)

printf '\n%-52s %14s %14s\n' "" "pipy" "nginx"
printf '%-52s %11s KiB %11s KiB\n' "idle RSS (hello server)" "$P_IDLE" "$N_IDLE"
printf '%-52s %11s KiB %11s KiB\n' "RSS with $CONNECTIONS idle keep-alive connections" "$P_OPEN" "$N_OPEN"
printf '%-52s %12s B %12s B\n' "per idle keep-alive connection" "$P_PER" "$N_PER"
printf '%-52s %11s KiB %11s KiB\n' "RSS 2.5 s after they closed" "$P_AFTER" "$N_AFTER"
printf '%-52s %14s %14s\n' "proxy fds before / after $CHURN short clients" "$PF0 / $PF1" "$NF0 / $NF1"
printf '%-52s %14s %14s\n' "proxy RSS KiB before / after" "$PR0 / $PR1" "$NR0 / $NR1"
printf '%-52s %14s %14s\n' "churn client errors" "$PERR" "$NERR"
printf '%-52s %14s %14s\n' "Connection: close through the proxy, req/s" "$P_RATE" "$N_RATE"
awk -v p="$P_RATE" -v n="$N_RATE" 'BEGIN { if (n > 0) printf "%-52s %14.2f\n", "  ratio pipy/nginx", p / n }'
