#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (no browser download).
# Install it when missing and we are allowed to (root with apt); otherwise say how.
set -euo pipefail
# fonts-noto-cjk: the zh-Hant pages render with real glyphs in the saved screenshots.
# poppler-utils + poppler-data: the printed-document tests read PDFs as a person would (pdftoppm,
# pdftotext), Chinese ones included (Adobe CNS1 CMaps).
# fonts-arphic-uming: the TrueType Ming face the zh-Hant printed documents embed (lc/printing/layout.py).
if [ -x /usr/bin/chromium ] && command -v pdftoppm >/dev/null && [ -d /usr/share/poppler/cMap/Adobe-CNS1 ] \
   && fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null \
   && [ -f /usr/share/fonts/truetype/arphic/uming.ttc ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian chromium (and CJK fonts) for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-arphic-uming poppler-utils poppler-data) \
    >/tmp/tradechain-chromium.log 2>&1 \
    || { echo "chromium install failed; see /tmp/tradechain-chromium.log" >&2; exit 1; }
elif [ ! -x /usr/bin/chromium ]; then
  echo "the browser tests need /usr/bin/chromium: sudo apt-get install chromium fonts-noto-cjk fonts-arphic-uming poppler-utils poppler-data" >&2
  exit 1
fi
