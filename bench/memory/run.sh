#!/usr/bin/env bash
# Memory under cycles: a hello server whose serveHTTP callback makes the reference cycles of
# ordinary JavaScript on every request (a class with an arrow capturing `this`, two objects
# pointing at each other, a closure stored on the object it captures, a Map and an array holding
# themselves). Served over REQUESTS requests, RSS must stay flat after warm-up; the same server
# with the cycle collector off (PIPY_GC=off) shows the leak and what the collector costs
# (requests/s and CPU microseconds per request, interleaved rounds, medians).
#
#   bash bench/memory/run.sh          (REQUESTS=1000000 ROUNDS=3 DURATION=5 CONNECTIONS=50)
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS=${REQUESTS:-1000000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-50}
command -v wrk >/dev/null || apt-get install -y --no-install-recommends wrk >/dev/null
if [ -z "${PIPY:-}" ]; then cargo build --release -q; PIPY=target/release/pipy; fi
WORK=$(mktemp -d)
cleanup() { kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
ON=19301; OFF=19302; ADMIN=19303
cat > "$WORK/cycles.js" <<'JS'
var port = pipy.argv[pipy.argv.length - 1]
pipy().listen('127.0.0.1:' + port).serveHTTP(msg => {
  class N { constructor() { this.cb = () => this } }
  new N()
  var a = {}; var b = {a}; a.b = b
  var c = {p: msg.head.path}; c.fn = () => c.p
  var m = new Map(); m.set('s', m)
  var arr = [1]; arr.push(arr)
  return new Message('Hi, there!\n')
})
JS
taskset -c 0 "$PIPY" --no-graph --log-level=warn --admin-port=127.0.0.1:$ADMIN "$WORK/cycles.js" -- $ON & ON_PID=$!
PIPY_GC=off taskset -c 0 "$PIPY" --no-graph --log-level=warn "$WORK/cycles.js" -- $OFF & OFF_PID=$!
sleep 1

rss() { awk '/VmRSS/ {print $2}' /proc/$1/status; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
TICK=$(getconf CLK_TCK)
run_wrk() { taskset -c 1 wrk -t1 -c$CONNECTIONS -d${2}s "http://127.0.0.1:$1/"; }
requests_of() { awk '/requests in/ {print $1}'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "warm-up (3 s each)"
run_wrk $ON 3 >/dev/null; run_wrk $OFF 3 >/dev/null
ON_RSS0=$(rss $ON_PID); OFF_RSS0=$(rss $OFF_PID)

printf "\n%s requests with the collector on\n" "$REQUESTS"
printf "%12s %12s %12s\n" requests "RSS KiB" "growth KiB"
total=0
while [ "$total" -lt "$REQUESTS" ]; do
  n=$(run_wrk $ON 10 | requests_of)
  total=$((total + n))
  r=$(rss $ON_PID)
  printf "%12s %12s %12s\n" $total $r $((r - ON_RSS0))
done
ON_RSS1=$(rss $ON_PID)

printf "\nthroughput, %s round(s) of %s s interleaved, one worker each\n" $ROUNDS $DURATION
: > "$WORK/rows"
for round in $(seq $ROUNDS); do
  for side in on off; do
    if [ $side = on ]; then port=$ON; pid=$ON_PID; else port=$OFF; pid=$OFF_PID; fi
    c0=$(cpu_ticks $pid)
    out=$(run_wrk $port $DURATION)
    c1=$(cpu_ticks $pid)
    n=$(echo "$out" | requests_of)
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    echo "$side $rps $(awk -v c=$((c1 - c0)) -v t=$TICK -v n=$n 'BEGIN{printf "%.2f", c / t * 1e6 / n}')" >> "$WORK/rows"
  done
done
ON_RPS=$(awk '$1 == "on" {print $2}' "$WORK/rows" | median); OFF_RPS=$(awk '$1 == "off" {print $2}' "$WORK/rows" | median)
ON_CPU=$(awk '$1 == "on" {print $3}' "$WORK/rows" | median); OFF_CPU=$(awk '$1 == "off" {print $3}' "$WORK/rows" | median)
printf "%-16s %12s %12s %16s\n" collector "requests/s" "CPU us/req" "RSS growth KiB"
printf "%-16s %12s %12s %16s\n" on "$ON_RPS" "$ON_CPU" $(( $(rss $ON_PID) - ON_RSS0 ))
printf "%-16s %12s %12s %16s\n" "off (leaks)" "$OFF_RPS" "$OFF_CPU" $(( $(rss $OFF_PID) - OFF_RSS0 ))
printf "cost of the collector: %s x the requests/s, %s x the CPU per request\n" \
  "$(awk -v a=$ON_RPS -v b=$OFF_RPS 'BEGIN{printf "%.3f", a/b}')" "$(awk -v a=$ON_CPU -v b=$OFF_CPU 'BEGIN{printf "%.3f", a/b}')"
printf "RSS with the collector on: %s KiB after warm-up, %s KiB after %s requests\n" $ON_RSS0 $ON_RSS1 $total
metrics=$(exec 3<>/dev/tcp/127.0.0.1/$ADMIN && printf 'GET /metrics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n' >&3 && cat <&3)
echo "$metrics" | awk '/^pipy_gc_collections_total/ {n=$2} /^pipy_gc_collected_total/ {c=$2} /^pipy_gc_pause_seconds_total/ {t=$2} /^pipy_gc_pause_max_seconds/ {m=$2}
  END {printf "collections: %d, objects freed: %d, pause: %.1f us on average, %.1f us at most\n", n, c, (n ? t / n * 1e6 : 0), m * 1e6}'
