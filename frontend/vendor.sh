#!/usr/bin/env bash
# Copies the pinned front-end packages from node_modules into static/vendor.
# Run by `make vendor` after `npm ci`; the result is committed so the app works
# on a network without internet and without Node.
set -euo pipefail
cd "$(dirname "$0")"
out=../static/vendor
rm -rf "$out" && mkdir -p "$out/bootstrap" "$out/bootstrap-icons/fonts" "$out/htmx" "$out/echarts" "$out/axe-core"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$out/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$out/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$out/bootstrap-icons/fonts/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$out/echarts/"
# axe-core: accessibility checks injected by the browser tests only (never served to pages)
cp node_modules/axe-core/axe.min.js "$out/axe-core/"
for pkg in bootstrap bootstrap-icons htmx.org echarts axe-core; do
  cp "node_modules/$pkg/LICENSE" "$out/$(echo $pkg | sed 's/\.org//')/LICENSE" 2>/dev/null || true
done
echo "vendored into static/vendor"
