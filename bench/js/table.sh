# Sourced by bench/js/run.sh and bench/js/jsbench.sh: the markdown table of one benchmark run on
# pipy, node, node --jitless and QuickJS, with pipy's ratios to the others and a geometric mean.
#
#   table_begin DIR "first column title" "what agrees"
#   table_row NAME PIPY_MS PIPY_SUM NODE_MS NODE_SUM JITLESS_MS JITLESS_SUM QJS_MS QJS_SUM
#   table_end           # geomean + total rows; $TABLE_STATUS is 1 after any failure or mismatch
#
# An ms of FAIL is a failed run; an ms of - is an engine that is not available (no QuickJS).
# shellcheck shell=bash

# ratio A B -> "A/B" formatted, or "-" when either is not a positive number
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 <= 0) { print "-"; exit }
    printf "%.2fx\n", a / b }'
}

table_begin() {
  TABLE_ROWS=$1/table.rows; TABLE_STATUS=0
  : >"$TABLE_ROWS"
  echo "| $2 | pipy ms | node ms | node --jitless ms | QuickJS ms | pipy/node | pipy/QuickJS | pipy/jitless | $3 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|:---:|"
}

table_row() {
  local name=$1 pms=$2 psum=$3 nms=$4 nsum=$5 jms=$6 jsum=$7 qms=$8 qsum=$9
  local fail=0 mismatch=0 ref="" sums="" pair e ms sum ok=yes
  # Every engine that ran must print the same checksum; a failed engine fails the row.
  for pair in "pipy:$pms:$psum" "node:$nms:$nsum" "jitless:$jms:$jsum" "QuickJS:$qms:$qsum"; do
    IFS=: read -r e ms sum <<<"$pair"
    [ "$ms" = - ] && continue
    if [ "$ms" = FAIL ]; then fail=1; continue; fi
    sums="$sums, $e $sum"
    if [ -z "$ref" ]; then ref=$sum; fi
    if [ "$sum" != "$ref" ] || [ "$sum" = INCONSISTENT ]; then mismatch=1; fi
  done
  [ $fail -eq 1 ] && ok=FAIL
  [ $mismatch -eq 1 ] && ok="$([ $fail -eq 1 ] && echo "FAIL, ")**NO** (${sums#, })"
  [ "$ok" = yes ] || TABLE_STATUS=1
  echo "$name $pms $nms $jms $qms" >>"$TABLE_ROWS"
  echo "| $name | $pms | $nms | $jms | $qms | $(ratio "$pms" "$nms") | $(ratio "$pms" "$qms") | $(ratio "$pms" "$jms") | $ok |"
}

# Geometric mean (and total) over the rows that ran on every available engine.
table_end() {
  [ -s "$TABLE_ROWS" ] || return 0
  awk -v status="$TABLE_STATUS" '
    function num(x) { return x ~ /^[0-9.]+$/ }
    function g(s) { return n ? sprintf("%.1f", exp(s / n)) : "-" }
    function r(a, b) { return (n && b > 0) ? sprintf("%.2fx", a / b) : "-" }
    function rl(a, b) { return n ? sprintf("%.2fx", exp((a - b) / n)) : "-" }
    { rows[NR] = $0; if ($5 != "-") hasq = 1 }
    END {
      for (i = 1; i <= NR; i++) {
        split(rows[i], f, " ")
        if (!num(f[2]) || !num(f[3]) || !num(f[4]) || (hasq && !num(f[5]))) continue
        if (f[2] <= 0 || f[3] <= 0 || f[4] <= 0 || (hasq && f[5] <= 0)) continue
        n++; lp += log(f[2]); ln += log(f[3]); lj += log(f[4]); tp += f[2]; tn += f[3]; tj += f[4]
        if (hasq) { lq += log(f[5]); tq += f[5] }
      }
      printf "| **geomean** (%d that ran on all engines) | %s | %s | %s | %s | %s | %s | %s | %s |\n", \
        n, g(lp), g(ln), g(lj), hasq ? g(lq) : "-", rl(lp, ln), hasq ? rl(lp, lq) : "-", rl(lp, lj), \
        status == 0 ? "all" : "**not all**"
      printf "| **total** (the same) | %.10g | %.10g | %.10g | %s | %s | %s | %s | |\n", \
        tp, tn, tj, hasq ? sprintf("%.10g", tq) : "-", r(tp, tn), hasq ? r(tp, tq) : "-", r(tp, tj)
    }' "$TABLE_ROWS"
}
