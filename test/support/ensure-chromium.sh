#!/usr/bin/env bash
# The browser test drives Debian's Chromium (no browser download: the network is closed to
# everything but package registries). Installs it when missing and we may (root, apt).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: install Debian's chromium package (apt-get install chromium) for the browser test" >&2
  exit 0
fi
echo "installing Debian's chromium for the browser test..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
