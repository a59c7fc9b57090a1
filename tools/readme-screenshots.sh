#!/bin/sh
# Regenerates the README's pictures from the screenshot test (headless Monocle, no display needed): runs
# DashboardScreenshotTest, which also fails on any label cut short, then copies the README's picks.
set -eu
cd "$(dirname "$0")/.."
./mvnw -B -q "$@" test -Dtest=DashboardScreenshotTest   # extra arguments go to Maven, e.g. -o
shots=target/screenshots
cp "$shots/dashboard-autopilot-light-en-1280x800.png" docs/screenshots/demo-autopilot-en.png
cp "$shots/dashboard-recording-light-en-1280x800.png" docs/screenshots/demo-recording-en.png
cp "$shots/dashboard-degraded-light-en-1280x800.png" docs/screenshots/degraded-en.png
cp "$shots/dashboard-recording-light-fr-1280x800.png" docs/screenshots/demo-recording-fr.png
cp "$shots/dashboard-contended-dark-en-1280x800.png" docs/screenshots/contended-dark-en.png
cp "$shots/dashboard-recording-dark-en-2560x1600.png" docs/screenshots/large-screen-dark-en.png
echo "README pictures updated from $shots"
