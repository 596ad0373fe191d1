#!/usr/bin/env bash
# What the tests need beyond cargo: Chromium (Debian's package) and the console's npm packages
# (playwright-core drives Chromium in tests/console.rs). Safe to run again: it installs only
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    echo "setup: installing chromium" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [ ! -d console/node_modules/playwright-core ]; then
    echo "setup: installing the console's packages (npm ci)" >&2
    (cd console && npm ci --no-audit --no-fund --loglevel=error)
fi
