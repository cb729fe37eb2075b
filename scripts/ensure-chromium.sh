#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (no browser download).
# Install it when missing and we are allowed to (root with apt); otherwise say how.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/tmp/tradechain-chromium.log 2>&1 \
    || { echo "chromium install failed; see /tmp/tradechain-chromium.log" >&2; exit 1; }
else
  echo "the browser tests need /usr/bin/chromium: sudo apt-get install chromium" >&2
  exit 1
fi
