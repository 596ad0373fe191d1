#!/usr/bin/env bash
# Run every bench/js workload on pipy, node, node --jitless and QuickJS (bench/quickjs's qjs-run,
# built on demand), check that the checksums agree across all engines, and print a markdown table
# with pipy's ratios to the others and a geometric-mean row.
# Usage: bench/js/run.sh [workload ...]
# Env: PIPY (default target/release/pipy), NODE (default node), QJS (a qjs-run binary; default:
# build bench/quickjs; QJS=none skips it), TIMEOUT seconds per run (default 600), ROUNDS (default 3):
# each engine runs each workload in that many processes, interleaved with the other engines, and
# the best is kept (a run's time moves by up to 40 % between processes on a shared 2-core machine;
# pin the whole command with `taskset -c 1` for steadier figures).
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2
# shellcheck source-path=SCRIPTDIR source=../quickjs/qjs.sh
. "$root/bench/quickjs/qjs.sh"
# shellcheck source-path=SCRIPTDIR source=table.sh
. "$root/bench/js/table.sh"
PIPY=${PIPY:-target/release/pipy}
NODE=${NODE:-node}
TIMEOUT=${TIMEOUT:-600}
ROUNDS=${ROUNDS:-3}
ALL="strbuild strsplit json objprop arrayfn mapget fib30 regex classes"
if [ $# -gt 0 ]; then names="$*"; else names=$ALL; fi
[ -x "$PIPY" ] || { echo "pipy binary not found: $PIPY (build with cargo build --release or set PIPY)" >&2; exit 2; }
command -v "$NODE" >/dev/null || { echo "node not found: $NODE" >&2; exit 2; }
qjs_ensure "$root"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prelude=$root/bench/js/prelude.node.js

# run_one ENGINE NAME CMD... -> sets ms, sum; on failure ms=FAIL and details go to $tmp/failures
run_one() {
  local engine=$1 name=$2; shift 2
  local out="$tmp/$engine.$name.out" err="$tmp/$engine.$name.err" rc line
  timeout "$TIMEOUT" "$@" >"$out" 2>"$err"; rc=$?
  line=$(grep -m1 "^RESULT $name " "$out")
  if [ $rc -eq 0 ] && [ -n "$line" ]; then
    read -r _ _ ms sum _ <<<"$line"
  else
    ms=FAIL; sum=-
    { echo "### $name on $engine: exit code $rc$([ $rc -eq 124 ] && echo " (timeout ${TIMEOUT}s)")"
      echo '```'; tail -n 20 "$out"; tail -n 20 "$err"; echo '```'; } >>"$tmp/failures"
  fi
}

# best A B -> the smaller time; FAIL wins (a failure in any round fails the row)
best() {
  if [ -z "$1" ]; then echo "$2"
  elif [ "$1" = FAIL ] || [ "$2" = FAIL ]; then echo FAIL
  elif [ "$2" -lt "$1" ]; then echo "$2"
  else echo "$1"; fi
}

table_begin "$tmp" workload "checksums agree"
for name in $names; do
  file="bench/js/$name.js"
  [ -f "$file" ] || { echo "no such workload: $file" >&2; TABLE_STATUS=1; continue; }
  pms=; nms=; jms=; qms=-; qsum=-
  for _ in $(seq "$ROUNDS"); do
    run_one pipy "$name" "$PIPY" run "$file"; pms=$(best "$pms" "$ms"); psum=$sum
    run_one node "$name" "$NODE" -r "$prelude" "$file"; nms=$(best "$nms" "$ms"); nsum=$sum
    run_one jitless "$name" "$NODE" --jitless -r "$prelude" "$file"; jms=$(best "$jms" "$ms"); jsum=$sum
    if [ -n "$QJS" ]; then run_one qjs "$name" "$QJS" "$file"; qms=$(best "${qms#-}" "$ms"); qsum=$sum; fi
  done
  table_row "$name" "$pms" "$psum" "$nms" "$nsum" "$jms" "$jsum" "$qms" "$qsum"
done
table_end
[ -n "$QJS" ] || { echo; echo "QuickJS column: $QJS_WHY"; }
if [ -s "$tmp/failures" ]; then echo; cat "$tmp/failures"; fi
exit $TABLE_STATUS
