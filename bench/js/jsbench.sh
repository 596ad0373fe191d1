#!/usr/bin/env bash
# Run the shared engine micro-benchmark bench.js (one JSON line per case:
# {"case":..,"best_ms":..,"result":..}) on pipy, node, node --jitless and QuickJS, check that the
# results agree, and print a markdown table in the style of bench/js/run.sh.
# Usage: bench/js/jsbench.sh [FILE [CASE ...]]
#   FILE (relative to the current directory) defaults to ../shared/reference/jsbench/bench.js
#   relative to the repo root; when it is absent the script says so and exits 0.  CASEs select cases (default: all of them).
# Env: PIPY (default target/release/pipy), NODE (default node), QJS (a qjs-run binary; default:
# build bench/quickjs; QJS=none skips it), TIMEOUT seconds per engine run (default 900).
set -u
caller=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2
# shellcheck source-path=SCRIPTDIR source=../quickjs/qjs.sh
. "$root/bench/quickjs/qjs.sh"
# shellcheck source-path=SCRIPTDIR source=table.sh
. "$root/bench/js/table.sh"
PIPY=${PIPY:-target/release/pipy}
NODE=${NODE:-node}
TIMEOUT=${TIMEOUT:-900}
if [ $# -gt 0 ]; then
  file=$1; shift
  case $file in /*) ;; *) file=$caller/$file ;; esac
else
  file=$root/../shared/reference/jsbench/bench.js
fi
if ! [ -f "$file" ]; then echo "jsbench: $file not found, skipping"; exit 0; fi
file=$(realpath "$file")
[ -x "$PIPY" ] || { echo "pipy binary not found: $PIPY (build with cargo build --release or set PIPY)" >&2; exit 2; }
command -v "$NODE" >/dev/null || { echo "node not found: $NODE" >&2; exit 2; }
qjs_ensure "$root"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# pipy has println, and its console.log writes a timestamped log line to stderr; bench.js logs
# through console.log when there is one, and takes its case list from scriptArgs (as under qjs).
# The prelude is one line, so that error positions are off by one line only.
{
  printf 'var console = { log: function () { println.apply(null, arguments); } }; var scriptArgs = ["bench.js"'
  for c in "$@"; do printf ', "%s"' "$c"; done
  printf '];\n'
  cat "$file"
} >"$tmp/bench.pipy.js"

# run_engine ENGINE CMD... -> $tmp/ENGINE.res ("case ms result" lines); failures to $tmp/failures
run_engine() {
  local engine=$1 rc; shift
  timeout "$TIMEOUT" "$@" >"$tmp/$engine.out" 2>"$tmp/$engine.err"; rc=$?
  sed -n 's/^{"case":"\([^"]*\)","best_ms":\([^,]*\),"result":\(.*\)}$/\1 \2 \3/p' \
    "$tmp/$engine.out" >"$tmp/$engine.res"
  if [ $rc -ne 0 ]; then
    { echo "### $engine: exit code $rc$([ $rc -eq 124 ] && echo " (timeout ${TIMEOUT}s)")"
      echo '```'; tail -n 20 "$tmp/$engine.out"; tail -n 20 "$tmp/$engine.err"; echo '```'; } >>"$tmp/failures"
  fi
}

# lookup ENGINE CASE -> sets ms, sum (FAIL/- when the engine printed no line for the case)
lookup() {
  local line
  ms=FAIL; sum=-
  line=$(awk -v c="$2" '$1 == c { $1 = ""; print substr($0, 2); exit }' "$tmp/$1.res")
  if [ -n "$line" ]; then ms=${line%% *}; sum=${line#* }; sum=${sum// /_}; fi
}

run_engine pipy "$PIPY" run "$tmp/bench.pipy.js"
run_engine node "$NODE" "$file" "$@"
run_engine jitless "$NODE" --jitless "$file" "$@"
if [ -n "$QJS" ]; then run_engine qjs "$QJS" "$file" "$@"; fi

# Cases in node's order, then any that only another engine printed.
cases=$(cat "$tmp/node.res" "$tmp/pipy.res" "$tmp/jitless.res" "$tmp/qjs.res" 2>/dev/null | awk '!seen[$1]++ { print $1 }')
[ -n "$cases" ] || { echo "jsbench: no engine printed a result line" >&2; cat "$tmp/failures" >&2 2>/dev/null; exit 1; }
echo "bench.js: $file"
echo
table_begin "$tmp" case "results agree"
for c in $cases; do
  lookup pipy "$c"; pms=$ms; psum=$sum
  lookup node "$c"; nms=$ms; nsum=$sum
  lookup jitless "$c"; jms=$ms; jsum=$sum
  if [ -n "$QJS" ]; then lookup qjs "$c"; qms=$ms; qsum=$sum; else qms=-; qsum=-; fi
  table_row "$c" "$pms" "$psum" "$nms" "$nsum" "$jms" "$jsum" "$qms" "$qsum"
done
table_end
echo
echo "best of 5 per case, ms; pipy has no performance.now, so its times are whole ms (Date.now)."
[ -n "$QJS" ] || { echo; echo "QuickJS column: $QJS_WHY"; }
if [ -s "$tmp/failures" ]; then echo; cat "$tmp/failures"; TABLE_STATUS=1; fi
exit "$TABLE_STATUS"
