#!/usr/bin/env bash
# HTTP benchmark: (a) a hello server, (b) a reverse proxy demuxHTTP -> muxHTTP -> connect in front
# of an upstream; pipy against nginx doing the same, one worker each, wrk over loopback with the
# server and the client pinned to different cores. Prints requests/s, p99, RSS and the ratio.
#
#   bash bench/http/run.sh            (DURATION=10 CONNECTIONS=50 ROUNDS=1 by default)
#   PIPY_BEFORE=/path/to/old/pipy bash bench/http/run.sh
#                                     also runs an older build, interleaved, and prints after/before
# With ROUNDS > 1 each row is the median of interleaved rounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
ROUNDS=${ROUNDS:-1}
PIPY_BEFORE=${PIPY_BEFORE:-}
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get install -y --no-install-recommends nginx-light wrk >/dev/null
fi
if [ -z "${PIPY:-}" ]; then cargo build --release -q; PIPY=target/release/pipy; fi
WORK=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for f in $WORK/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  rm -rf $WORK
}
trap cleanup EXIT
UP=19200; NH=19201; NP=19202; PH=19203; PP=19204; BH=19205; BP=19206

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
if [ -n "$PIPY_BEFORE" ]; then
  sed -e "s/$PH/$BH/; s/$PP/$BP/" $WORK/hello.js > $WORK/before.js
  taskset -c 0 $PIPY_BEFORE --no-graph --log-level=warn $WORK/before.js & BEFORE_PID=$!
fi
sleep 1
NGX_WORKER=$(pgrep -P "$(cat $WORK/ng.pid)" | head -1)

rss() { awk '/VmRSS/ {print $2}' /proc/$1/status; }
run_wrk() { taskset -c 1 wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency "http://127.0.0.1:$1/"; }
parse() { awk '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99, n}'; }
# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
TICK=$(getconf CLK_TCK)
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

printf "\nHTTP/1.1, wrk -t1 -c%s -d%ss, one worker each, %s round(s) interleaved (medians)\n" $CONNECTIONS $DURATION $ROUNDS
printf "%-22s %12s %10s %10s %8s %12s\n" scenario "requests/s" p99 "RSS KiB" ratio "CPU us/req"
for scenario in hello proxy; do
  if [ $scenario = hello ]; then ports="nginx:$NH pipy:$PH before:$BH"; else ports="nginx:$NP pipy:$PP before:$BP"; fi
  for entry in $ports; do port=${entry#*:}; name=${entry%%:*}
    [ $name = before ] && [ -z "$PIPY_BEFORE" ] && continue
    run_wrk $port >/dev/null
  done
  : > $WORK/rows
  for round in $(seq $ROUNDS); do
    for entry in $ports; do port=${entry#*:}; name=${entry%%:*}
      [ $name = before ] && [ -z "$PIPY_BEFORE" ] && continue
      case $name in nginx) pid=$NGX_WORKER;; pipy) pid=$PIPY_PID;; before) pid=$BEFORE_PID;; esac
      c0=$(cpu_ticks $pid)
      read R L N < <(run_wrk $port | parse)
      c1=$(cpu_ticks $pid)
      echo "$name $R $L $(awk -v c=$((c1 - c0)) -v t=$TICK -v n=$N 'BEGIN{printf "%.2f", c / t * 1e6 / n}')" >> $WORK/rows
    done
  done
  declare -A RPS LAT CPU
  for name in nginx pipy before; do
    grep -q "^$name " $WORK/rows || continue
    CPU[$name]=$(awk -v n=$name '$1 == n {print $4}' $WORK/rows | median)
    RPS[$name]=$(awk -v n=$name '$1 == n {print $2}' $WORK/rows | median)
    LAT[$name]=$(awk -v n=$name '$1 == n {v=$3; u=1; if (v ~ /us$/) u=0.001; if (v ~ /ms$/) u=1; if (v ~ /[0-9]s$/) u=1000; sub(/[a-z]+$/, "", v); print v*u}' $WORK/rows | median)ms
  done
  printf "%-22s %12s %10s %10s %8s %12s\n" "nginx $scenario" ${RPS[nginx]} ${LAT[nginx]} $(rss $NGX_WORKER) "" ${CPU[nginx]}
  printf "%-22s %12s %10s %10s %8s %12s\n" "pipy $scenario" ${RPS[pipy]} ${LAT[pipy]} $(rss $PIPY_PID) \
    "$(awk -v a=${RPS[pipy]} -v b=${RPS[nginx]} 'BEGIN{printf "%.2f", a/b}')" ${CPU[pipy]}
  if [ -n "$PIPY_BEFORE" ]; then
    printf "%-22s %12s %10s %10s %8s %12s\n" "before $scenario" ${RPS[before]} ${LAT[before]} $(rss $BEFORE_PID) \
      "$(awk -v a=${RPS[before]} -v b=${RPS[nginx]} 'BEGIN{printf "%.2f", a/b}')" ${CPU[before]}
    printf "%-22s %45s %12s\n" "after/before" "$(awk -v a=${RPS[pipy]} -v b=${RPS[before]} 'BEGIN{printf "%.3f", a/b}')" \
      "$(awk -v a=${CPU[pipy]} -v b=${CPU[before]} 'BEGIN{printf "%.3f", a/b}')"
  fi
done
