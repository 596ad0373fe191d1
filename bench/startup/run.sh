#!/usr/bin/env bash
# Start-up: exec -> listening (the first TCP connect that succeeds), median of 15 runs, for a
# hello server and for tutorial 09 on pipy, and for nginx serving the same hello; plus the size of
# the stripped pipy binary next to nginx's.
#
#   bash bench/startup/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nginx >/dev/null || apt-get install -y --no-install-recommends nginx-light >/dev/null
if [ -z "${PIPY:-}" ]; then cargo build --release -q; PIPY=target/release/pipy; fi
PIPY=$(realpath "$PIPY")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PORT=19530
cat > "$WORK/hello.js" <<JS
pipy().listen('127.0.0.1:$PORT').serveHTTP(new Message('hi\n'))
JS
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $WORK/nginx.pid; error_log $WORK/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$PORT; location / { return 200 "hi\n"; } } }
CONF
cat > "$WORK/measure.py" <<'PY'
import os, socket, statistics, subprocess, sys, time
port, cwd, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times = []
for _ in range(15):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.05).close()
            break
        except OSError:
            if p.poll() is not None:
                sys.exit(f'{cmd} exited with {p.returncode}')
            time.sleep(0.0005)
    times.append((time.perf_counter() - t) * 1000)
    p.terminate()
    p.wait()
print(f'{statistics.median(times):.1f}')
PY
hello=$(python3 "$WORK/measure.py" $PORT "$WORK" "$PIPY" --no-graph hello.js)
tut=$(python3 "$WORK/measure.py" 8000 tutorial/09-gateway-security "$PIPY" --no-graph main.js)
ngx=$(python3 "$WORK/measure.py" $PORT "$WORK" nginx -c "$WORK/nginx.conf")
cp "$PIPY" "$WORK/pipy.stripped" && strip "$WORK/pipy.stripped"
size() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }
printf '%-40s %12s %12s\n' "" pipy nginx
printf '%-40s %9s ms %9s ms\n' "exec -> listening, hello server" "$hello" "$ngx"
printf '%-40s %9s ms %12s\n' "exec -> listening, tutorial 09" "$tut" "-"
printf '%-40s %12s %12s\n' "stripped binary" "$(size "$WORK/pipy.stripped")" "$(size "$(command -v nginx)")"
