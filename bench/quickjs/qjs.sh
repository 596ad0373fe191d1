# Sourced by the bench scripts (bench/js/run.sh, bench/js/jsbench.sh, bench/startup/bigscript.sh).
#
# qjs_ensure ROOT: sets QJS to a runnable qjs-run binary (QuickJS through the rquickjs crate),
# building bench/quickjs into its own target dir on demand, or sets QJS to "" and QJS_WHY to the
# reason.  A QJS already in the environment is used as is (QJS=none skips QuickJS).
# shellcheck shell=bash disable=SC2034  # QJS_WHY is read by the callers

qjs_ensure() {
  local root=$1 log bin
  QJS_WHY=
  if [ -n "${QJS:-}" ]; then
    if [ "$QJS" = none ]; then
      QJS='' QJS_WHY="skipped (QJS=none)"
    elif ! [ -x "$QJS" ]; then
      QJS_WHY="QJS=$QJS is not an executable file"; QJS=
    fi
    return 0
  fi
  bin=$root/bench/quickjs/target/release/qjs-run
  if ! command -v cargo >/dev/null; then
    QJS_WHY="cargo not found, cannot build bench/quickjs"; QJS=; return 0
  fi
  [ -x "$bin" ] || echo "building bench/quickjs (QuickJS via rquickjs; about a minute the first time) ..." >&2
  log=$(mktemp)
  if cargo build --release --quiet --manifest-path "$root/bench/quickjs/Cargo.toml" \
       --target-dir "$root/bench/quickjs/target" >"$log" 2>&1 && [ -x "$bin" ]; then
    QJS=$bin
  else
    QJS_WHY="cargo build --release --manifest-path bench/quickjs/Cargo.toml failed: $({ grep -m3 '^error' "$log" || tail -n 3 "$log"; } | tr '\n' ' ')"
    QJS=
  fi
  rm -f "$log"
  return 0
}
