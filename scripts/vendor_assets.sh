#!/usr/bin/env bash
# Refresh the vendored front-end assets in minqing/static/vendor/ from the npm registry.
# Usage: scripts/vendor_assets.sh [bootstrap-version] [htmx-version] [echarts-version]
# ECharts stays on 5.x (5.6.0 is the last 5.x release) until the charts are checked on 6.
set -euo pipefail
BS=${1:-5.3.9}
HX=${2:-2.0.11}
EC=${3:-5.6.0}
dest="$(cd "$(dirname "$0")/.." && pwd)/minqing/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack -q "bootstrap@$BS" "htmx.org@$HX" "echarts@$EC" >/dev/null
mkdir bs hx ec
tar xzf "bootstrap-$BS.tgz" -C bs
tar xzf "htmx.org-$HX.tgz" -C hx
tar xzf "echarts-$EC.tgz" -C ec
mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/echarts/licenses"
cp bs/package/dist/css/bootstrap.min.css bs/package/dist/js/bootstrap.bundle.min.js bs/package/LICENSE "$dest/bootstrap/"
cp hx/package/dist/htmx.min.js hx/package/LICENSE "$dest/htmx/"
# Apache-2.0 §4(d): the NOTICE travels with the code; LICENSE points at licenses/LICENSE-d3.
cp ec/package/dist/echarts.min.js ec/package/LICENSE ec/package/NOTICE "$dest/echarts/"
cp ec/package/licenses/LICENSE-d3 "$dest/echarts/licenses/"
# The source maps are not vendored; drop the comments that point at them.
sed -i 's#/\*\# sourceMappingURL=.*\*/##' "$dest/bootstrap/bootstrap.min.css"
sed -i 's#//\# sourceMappingURL=.*##' "$dest/bootstrap/bootstrap.bundle.min.js" "$dest/echarts/echarts.min.js"
echo "vendored bootstrap $BS, htmx $HX and echarts $EC into $dest (update the table in README.md there)"
