#!/usr/bin/env bash
# How the cycle collector's threshold (PIPY_GC_THRESHOLD: the fewest suspects that start a
# collection) trades throughput against pause length and memory held between collections, on the
# same cycle-making hello server as run.sh. One server per threshold, run one after another
# (ROUNDS interleaved rounds of DURATION seconds each, medians).
#
#   bash bench/memory/threshold.sh          (THRESHOLDS="256 1024 4096 16384 65536" ROUNDS=3 DURATION=5)
set -euo pipefail
cd "$(dirname "$0")/../.."
THRESHOLDS=${THRESHOLDS:-"256 1024 4096 16384 65536"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
command -v wrk >/dev/null || apt-get install -y --no-install-recommends wrk >/dev/null
if [ -z "${PIPY:-}" ]; then cargo build --release -q; PIPY=target/release/pipy; fi
WORK=$(mktemp -d)
cleanup() { kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
sed -n '/^cat > "\$WORK\/cycles.js"/,/^JS$/p' bench/memory/run.sh | sed '1d;$d' > "$WORK/cycles.js"
port=19400
declare -A PID PORT ADMIN
for t in $THRESHOLDS; do
  port=$((port + 2)); PORT[$t]=$port; ADMIN[$t]=$((port + 1))
  PIPY_GC_THRESHOLD=$t taskset -c 0 "$PIPY" --no-graph --log-level=warn --admin-port=127.0.0.1:${ADMIN[$t]} "$WORK/cycles.js" -- $port &
  PID[$t]=$!
done
sleep 1
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
TICK=$(getconf CLK_TCK)
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
for t in $THRESHOLDS; do taskset -c 1 wrk -t1 -c50 -d2s "http://127.0.0.1:${PORT[$t]}/" >/dev/null; done
: > "$WORK/rows"
for round in $(seq $ROUNDS); do
  for t in $THRESHOLDS; do
    c0=$(cpu_ticks ${PID[$t]})
    out=$(taskset -c 1 wrk -t1 -c50 -d${DURATION}s "http://127.0.0.1:${PORT[$t]}/")
    c1=$(cpu_ticks ${PID[$t]})
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    echo "$t $rps $(awk -v c=$((c1 - c0)) -v k=$TICK -v n=$n 'BEGIN{printf "%.2f", c / k * 1e6 / n}')" >> "$WORK/rows"
  done
done
printf "%10s %12s %12s %12s %14s %14s %10s\n" threshold "requests/s" "CPU us/req" collections "mean pause us" "max pause us" "RSS KiB"
for t in $THRESHOLDS; do
  m=$(exec 3<>/dev/tcp/127.0.0.1/${ADMIN[$t]} && printf 'GET /metrics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n' >&3 && cat <&3)
  read n total max < <(echo "$m" | awk '/^pipy_gc_collections_total/ {n=$2} /^pipy_gc_pause_seconds_total/ {t=$2} /^pipy_gc_pause_max_seconds/ {m=$2} END {print n, t, m}')
  printf "%10s %12s %12s %12s %14s %14s %10s\n" $t \
    $(awk -v t=$t '$1 == t {print $2}' "$WORK/rows" | median) $(awk -v t=$t '$1 == t {print $3}' "$WORK/rows" | median) \
    $n $(awk -v n=$n -v t=$total 'BEGIN{printf "%.0f", n ? t / n * 1e6 : 0}') $(awk -v m=$max 'BEGIN{printf "%.0f", m * 1e6}') \
    $(awk '/VmRSS/ {print $2}' /proc/${PID[$t]}/status)
done
