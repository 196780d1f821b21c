#!/usr/bin/env bash
# Installs the Debian packages fazhi needs (idempotent): Chromium for browser
# tests, CJK fonts for PDF rendering, pango for WeasyPrint, poppler for checks.
set -euo pipefail
PKGS=(chromium fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "安装系统软件包: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
