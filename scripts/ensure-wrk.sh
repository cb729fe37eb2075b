#!/usr/bin/env bash
# The API benchmark drives gunicorn with wrk (a C load generator: a Python client would take
# a core of this 2-core machine from the server). Install Debian's wrk when missing and allowed.
set -euo pipefail
if command -v wrk >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian wrk for the API benchmark..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/tmp/tradechain-wrk.log 2>&1 \
    || { echo "wrk install failed; see /tmp/tradechain-wrk.log" >&2; exit 1; }
else
  echo "the API benchmark needs wrk: sudo apt-get install wrk" >&2
  exit 1
fi
