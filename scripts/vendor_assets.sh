#!/usr/bin/env bash
# Refresh the vendored front-end assets in minqing/static/vendor/ from the npm registry.
# Usage: scripts/vendor_assets.sh [bootstrap-version] [htmx-version]
set -euo pipefail
BS=${1:-5.3.9}
HX=${2:-2.0.11}
dest="$(cd "$(dirname "$0")/.." && pwd)/minqing/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack -q "bootstrap@$BS" "htmx.org@$HX" >/dev/null
mkdir bs hx
tar xzf "bootstrap-$BS.tgz" -C bs
tar xzf "htmx.org-$HX.tgz" -C hx
mkdir -p "$dest/bootstrap" "$dest/htmx"
cp bs/package/dist/css/bootstrap.min.css bs/package/dist/js/bootstrap.bundle.min.js bs/package/LICENSE "$dest/bootstrap/"
cp hx/package/dist/htmx.min.js hx/package/LICENSE "$dest/htmx/"
# The source maps are not vendored; drop the comments that point at them.
sed -i 's#/\*\# sourceMappingURL=.*\*/##' "$dest/bootstrap/bootstrap.min.css"
sed -i 's#//\# sourceMappingURL=.*##' "$dest/bootstrap/bootstrap.bundle.min.js"
echo "vendored bootstrap $BS and htmx $HX into $dest (update the table in README.md there)"
