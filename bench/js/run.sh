#!/usr/bin/env bash
# Run every bench/js workload on pipy and on node, check that the checksums agree,
# and print a markdown table.  Usage: bench/js/run.sh [workload ...]
# Env: PIPY (default target/release/pipy), NODE (default node), TIMEOUT seconds per run (default 600).
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2
PIPY=${PIPY:-target/release/pipy}
NODE=${NODE:-node}
TIMEOUT=${TIMEOUT:-600}
ALL="strbuild strsplit json objprop arrayfn mapget fib30 regex classes"
if [ $# -gt 0 ]; then names="$*"; else names=$ALL; fi
[ -x "$PIPY" ] || { echo "pipy binary not found: $PIPY (build with cargo build --release or set PIPY)" >&2; exit 2; }
command -v "$NODE" >/dev/null || { echo "node not found: $NODE" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# run_one ENGINE NAME CMD... -> sets ms, sum; on failure ms=FAIL and details go to $tmp/failures
run_one() {
  local engine=$1 name=$2; shift 2
  local out="$tmp/$engine.$name.out" err="$tmp/$engine.$name.err" rc line
  timeout "$TIMEOUT" "$@" >"$out" 2>"$err"; rc=$?
  line=$(grep -m1 "^RESULT $name " "$out")
  if [ $rc -eq 0 ] && [ -n "$line" ]; then
    set -- $line; ms=$3; sum=$4
  else
    ms=FAIL; sum=-
    { echo "### $name on $engine: exit code $rc$([ $rc -eq 124 ] && echo " (timeout ${TIMEOUT}s)")"
      echo '```'; tail -n 20 "$out"; tail -n 20 "$err"; echo '```'; } >>"$tmp/failures"
  fi
}

status=0; ptotal=0; ntotal=0
echo "| workload | pipy ms | node ms | ratio (pipy/node) | checksum ok |"
echo "|---|---:|---:|---:|:---:|"
for name in $names; do
  file="bench/js/$name.js"
  [ -f "$file" ] || { echo "no such workload: $file" >&2; status=1; continue; }
  run_one pipy "$name" "$PIPY" run "$file"; pms=$ms; psum=$sum
  run_one node "$name" "$NODE" -r "$root/bench/js/prelude.node.js" "$file"; nms=$ms; nsum=$sum
  if [ "$pms" = FAIL ] || [ "$nms" = FAIL ]; then
    ok="FAIL"; ratio="-"; status=1
  else
    if [ "$psum" = "$nsum" ] && [ "$psum" != INCONSISTENT ]; then ok="yes"
    else ok="**NO** (pipy $psum, node $nsum)"; status=1; fi
    ratio=$(awk -v p="$pms" -v n="$nms" 'BEGIN { printf (n > 0 ? "%.1fx" : "-"), (n > 0 ? p / n : 0) }')
    ptotal=$((ptotal + pms)); ntotal=$((ntotal + nms))
  fi
  echo "| $name | $pms | $nms | $ratio | $ok |"
done
tratio=$(awk -v p="$ptotal" -v n="$ntotal" 'BEGIN { printf (n > 0 ? "%.1fx" : "-"), (n > 0 ? p / n : 0) }')
echo "| **total** (workloads that ran on both) | $ptotal | $ntotal | $tratio | $([ $status -eq 0 ] && echo all || echo "**not all**") |"
if [ -s "$tmp/failures" ]; then echo; cat "$tmp/failures"; fi
exit $status
