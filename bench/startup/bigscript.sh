#!/usr/bin/env bash
# Start-up of a big script: generate a 12,000-line script of 2,000 small functions (a couple of
# vars, string concat, an if, an object literal return) whose short top level calls a few of them
# and prints a checksum, then time (median of 7 runs, wall clock, ms):
#   - exec -> exit of `pipy run`, node and QuickJS (bench/quickjs's qjs-run, built on demand) on it,
#     next to the same for a one-line script (the engines' fixed start-up cost);
#   - exec -> listening of `pipy --threads 2` on a variant that ends in a listening HTTP server
#     (the first TCP connect that succeeds, as in bench/startup/run.sh).
# Prints a markdown table with pipy's ratios; exits non-zero when a run fails or the engines'
# checksums differ.
#
#   bash bench/startup/bigscript.sh
# Env: PIPY (default target/release/pipy), NODE (default node), QJS (a qjs-run binary; default:
# build bench/quickjs; QJS=none skips it), PORT (default 19531).
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2
# shellcheck source-path=SCRIPTDIR source=../quickjs/qjs.sh
. "$root/bench/quickjs/qjs.sh"
PIPY=${PIPY:-target/release/pipy}
NODE=${NODE:-node}
PORT=${PORT:-19531}
[ -x "$PIPY" ] || { echo "pipy binary not found: $PIPY (build with cargo build --release or set PIPY)" >&2; exit 2; }
PIPY=$(realpath "$PIPY")
command -v "$NODE" >/dev/null || { echo "node not found: $NODE" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 2; }
qjs_ensure "$root"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

# gen TOP_LEVEL_TAIL -> the script on stdout: 2,000 functions of 6 lines, then the top level.
gen() {
  awk -v n=2000 'BEGIN {
    for (i = 0; i < n; i++) {
      printf "function f%d(a, b) {\n", i
      printf "  var x = a * 3 + %d, y = b - %d;\n", i, i % 17
      printf "  var s = \"f%d:\" + x + \":\" + y, t = s.length %% 7;\n", i
      printf "  if (x > y) { s = s + \">\" + t; } else { s = s + \"<\" + t; }\n"
      printf "  return { id: %d, len: s.length, sum: x + y + t };\n", i
      printf "}\n"
    }
  }'
  cat <<'JS'
var out = typeof println === 'function' ? println : function (s, v) { console.log(s, v); };
var sum = 0, picks = [f0(1, 2), f1(3, 4), f777(5, 6), f1500(7, 8), f1999(9, 10)];
for (var i = 0; i < picks.length; i++) sum += picks[i].id + picks[i].len + picks[i].sum;
JS
  printf '%s\n' "$1"
}
gen "out('checksum', sum);" >"$WORK/big.js"
gen "pipy().listen('127.0.0.1:$PORT').serveHTTP(new Message('hi\\n'))" >"$WORK/big-listen.js"
printf '%s\n' "var out = typeof println === 'function' ? println : function (s, v) { console.log(s, v); };" \
  "out('checksum', 1);" >"$WORK/tiny.js"

cat >"$WORK/measure.py" <<'PY'
# measure.py exit EXPECT CMD...   -> median ms exec -> exit; stdout must contain the line EXPECT
# measure.py listen PORT CMD...   -> median ms exec -> first successful TCP connect to PORT
import socket, statistics, subprocess, sys, time
mode, arg, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
times, hung = [], 0
for _ in range(7):
    if mode == 'exit':
        t = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=600)
        times.append((time.perf_counter() - t) * 1000)
        if p.returncode != 0 or arg not in p.stdout.splitlines():
            sys.exit(f'{" ".join(cmd)}: exit {p.returncode}, stdout {p.stdout[-300:]!r}, '
                     f'stderr {p.stderr[-300:]!r} (wanted a line {arg!r})')
    else:
        port = int(arg)
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                socket.create_connection(('127.0.0.1', port), timeout=0.05).close()
                break
            except OSError:
                if p.poll() is not None:
                    sys.exit(f'{" ".join(cmd)} exited with {p.returncode} before listening')
                if time.perf_counter() - t > 120:
                    p.kill()
                    sys.exit(f'{" ".join(cmd)}: not listening on port {port} after 120 s')
                time.sleep(0.0005)
        times.append((time.perf_counter() - t) * 1000)
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            hung += 1
            p.kill()
            p.wait()
if hung:
    print(f'{" ".join(cmd)}: did not exit within 10 s of SIGTERM in {hung} of 7 runs '
          '(killed with SIGKILL; the start-up times are still valid)', file=sys.stderr)
print(f'{statistics.median(times):.1f}')
PY

# measure ARGS... -> prints the median, or FAIL (the reason goes to $WORK/failures; a warning
# from a run that still counts goes to $WORK/warnings)
measure() {
  local err=$WORK/measure.err
  if python3 "$WORK/measure.py" "$@" 2>"$err"; then cat "$err" >>"$WORK/warnings"
  else cat "$err" >>"$WORK/failures"; echo FAIL; fi
}
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 <= 0) { print "-"; exit }
    printf "%.2fx\n", a / b }'
}
if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), timeout=0.2)" 2>/dev/null; then
  echo "port $PORT is already in use; set PORT" >&2; exit 2
fi

# The reference checksum comes from node; every engine must print the same line.
want=$("$NODE" "$WORK/big.js" | grep -m1 '^checksum ')
[ -n "$want" ] || { echo "node did not print a checksum for the generated script" >&2; exit 1; }
lines=$(wc -l <"$WORK/big.js")
p_big=$(measure exit "$want" "$PIPY" run "$WORK/big.js")
n_big=$(measure exit "$want" "$NODE" "$WORK/big.js")
p_tiny=$(measure exit "checksum 1" "$PIPY" run "$WORK/tiny.js")
n_tiny=$(measure exit "checksum 1" "$NODE" "$WORK/tiny.js")
q_big=- q_tiny=-
if [ -n "$QJS" ]; then
  q_big=$(measure exit "$want" "$QJS" "$WORK/big.js")
  q_tiny=$(measure exit "checksum 1" "$QJS" "$WORK/tiny.js")
fi
p_listen=$(measure listen "$PORT" "$PIPY" --threads 2 --no-graph "$WORK/big-listen.js")
status=0
case " $p_big $n_big $p_tiny $n_tiny $q_big $q_tiny $p_listen " in *" FAIL "*) status=1 ;; esac

echo "| start-up, median of 7, ms | pipy | node | QuickJS | pipy/node | pipy/QuickJS |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| exec -> exit, $lines-line script of 2,000 functions | $p_big | $n_big | $q_big | $(ratio "$p_big" "$n_big") | $(ratio "$p_big" "$q_big") |"
echo "| exec -> exit, 2-line script | $p_tiny | $n_tiny | $q_tiny | $(ratio "$p_tiny" "$n_tiny") | $(ratio "$p_tiny" "$q_tiny") |"
echo "| exec -> listening, \`pipy --threads 2\`, the same script ending in a listen | $p_listen | - | - | - | - |"
echo
echo "checksum: \`$want\` ($([ $status -eq 0 ] && echo "all engines agree" || echo "**not all engines ran and agreed**"))"
[ -n "$QJS" ] || { echo; echo "QuickJS column: $QJS_WHY"; }
if [ -s "$WORK/warnings" ]; then echo; echo "warnings:"; echo '```'; cat "$WORK/warnings"; echo '```'; fi
if [ -s "$WORK/failures" ]; then echo; echo '```'; cat "$WORK/failures"; echo '```'; fi
exit $status
