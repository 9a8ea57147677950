#!/usr/bin/env bash
# Makes the README's screenshots with the program itself: flashtwin-gui runs the default scenario
# (and, as B, the same with one replica for the gold datastore), grabbing each main view on the
# offscreen platform; then scenarios/host-failure.json, whose cluster view is taken 2 s after its
# host failure. The chosen views are copied to docs/images/. Needs a build (make demo or make
# check first). About two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
shots="$build/gui-screenshots"
rm -rf "$shots"
QT_QPA_PLATFORM=offscreen "$build/gui/flashtwin-gui" --screenshots "$shots/default" \
  --compare-set 'datastores[0].policy.replicas=1'
QT_QPA_PLATFORM=offscreen "$build/gui/flashtwin-gui" --screenshots "$shots/failure" \
  --cluster-at 10 scenarios/host-failure.json
mkdir -p docs/images
# A view by its name, whatever its number: NN-name.png.
take() { cp "$(ls "$shots/$1"/[0-9][0-9]-"$2".png)" "docs/images/gui-$3.png"; }
take default design design
take default design-events design-events
take default cdf latency-cdf
take default reads reads-served
take default array array
take default array-busy array-busy
take default network network
take default compare-ab compare-ab
take default compare-latency compare-latency
take failure cluster cluster-failure
echo "gui-screenshots: docs/images/gui-*.png"
