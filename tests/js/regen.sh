#!/usr/bin/env bash
# Regenerate the expected stdout (.out) of every PipyJS conformance program
# using Node. Usage (from anywhere): bash tests/js/regen.sh
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2   # repo root
PRELUDE=./tests/js/prelude.node.js
count=0; changed=0; failed=0
while IFS= read -r -d '' f; do
  out="${f%.js}.out"
  tmp="$(mktemp)"
  TZ=UTC node --stack-size=4000 -r "$PRELUDE" "$f" >"$tmp" 2>/dev/null
  rc=$?
  if head -n 1 "$f" | grep -q '^// expect: uncaught'; then
    if [ "$rc" -eq 0 ]; then
      echo "FAIL: $f is marked '// expect: uncaught' but exited 0" >&2
      failed=$((failed + 1)); rm -f "$tmp"; continue
    fi
  elif [ "$rc" -ne 0 ]; then
    echo "FAIL: $f exited with status $rc (not marked '// expect: uncaught')" >&2
    failed=$((failed + 1)); rm -f "$tmp"; continue
  fi
  if [ ! -f "$out" ] || ! cmp -s "$tmp" "$out"; then
    mv "$tmp" "$out"
    echo "updated: $out"
    changed=$((changed + 1))
  else
    rm -f "$tmp"
  fi
  count=$((count + 1))
done < <(find tests/js -name '*.js' ! -name 'prelude.node.js' -print0 | sort -z)
echo "$count programs, $changed .out files changed, $failed failed"
[ "$failed" -eq 0 ] || { echo "regen.sh: $failed program(s) failed" >&2; exit 1; }
