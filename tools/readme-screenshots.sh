#!/bin/sh
# Regenerates the README's pictures from the screenshot test (headless Monocle, no display needed): runs
# DashboardScreenshotTest, which also fails on any label cut short, then copies the README's picks. Each pick is a
# state reached by driving the real manager on the demo's stand-ins, shot again with the demo's banner
# (target/screenshots/readme-*.png), as the README shows the demo.
set -eu
cd "$(dirname "$0")/.."
./mvnw -B -q "$@" test -Dtest=DashboardScreenshotTest   # extra arguments go to Maven, e.g. -o
shots=target/screenshots
for pick in demo-autopilot-en demo-recording-en degraded-en demo-recording-fr contended-dark-en large-screen-dark-en; do
    cp "$shots/readme-$pick.png" "docs/screenshots/$pick.png"
done
echo "README pictures updated from $shots"
