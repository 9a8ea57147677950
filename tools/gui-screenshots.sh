#!/usr/bin/env bash
# Makes the README's screenshots with the program itself: flashtwin-gui runs the default scenario
# (and, as B, the same with one replica for the gold datastore), grabbing each main view on the
# offscreen platform, and the chosen views are copied to docs/images/. Needs a build (make demo or
# make check first). About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
shots="$build/gui-screenshots"
rm -rf "$shots"
QT_QPA_PLATFORM=offscreen "$build/gui/flashtwin-gui" --screenshots "$shots" \
  --compare-set 'datastores[0].policy.replicas=1'
mkdir -p docs/images
for view in 01-design 03-latency-cdf 04-reads-served 05-array 09-compare-compare-ab \
            10-compare-latency; do
  cp "$shots/$view.png" "docs/images/gui-${view#*-}.png"
done
echo "gui-screenshots: docs/images/gui-*.png"
