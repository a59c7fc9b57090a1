#!/bin/bash
# Shoots the tray icon's menu and its idle-unload notification from a real run, which the headless screenshot
# test cannot (AWT's tray needs an X tray host): a private Xvfb, trayer as the desktop's tray
# (_NET_SYSTEM_TRAY_S0, XEmbed), the packaged jar in --demo (the simulated Ollama and GPU) in RECORDING with a
# 10 s idle timeout. It right-clicks the icon, shoots the menu, hides the window from the menu, waits for the
# VLM's idle unload and shoots AWT's balloon; once in English, once in French. Writes
# target/tray-screenshots/tray-{menu,notification}-{en,fr}.png (and full-*.png, the whole screen, for checking).
#
#   ./mvnw -B -q -DskipTests package && tools/tray-screenshots.sh       # then copy the picks to docs/screenshots/
#
# Installs nothing; needs Xvfb, trayer, xdotool, ImageMagick, x11-utils and GTK 3 (Debian: apt-get install
# xvfb trayer xdotool imagemagick x11-utils libgtk-3-0).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in Xvfb:xvfb trayer:trayer xdotool:xdotool import:imagemagick convert:imagemagick xwininfo:x11-utils xdpyinfo:x11-utils; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
ldconfig -p 2>/dev/null | grep -q 'libgtk-3\.so\.0' || missing+=(libgtk-3-0)
if [ ${#missing[@]} -gt 0 ]; then
    echo "missing: apt-get install $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')" >&2
    exit 2
fi
jar=target/gpu-resource-manager.jar
[ -f "$jar" ] || { echo "no $jar: build it first (./mvnw -B -q -DskipTests package)" >&2; exit 2; }

display=${TRAY_SHOTS_DISPLAY:-:78}
idle_timeout=10
out=target/tray-screenshots
work=$(mktemp -d /tmp/tray-screenshots.XXXXXX)
rm -rf "$out"
mkdir -p "$out"
pids=()
cleanup() {
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
export DISPLAY=$display

# wait_for SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds; fails after SECONDS
wait_for() {
    local limit=$(( $1 * 5 )); shift
    for ((n = 0; n < limit; n++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

# geometry WINDOW: "X Y WIDTH HEIGHT" of a window, absolute
geometry() {
    xwininfo -id "$1" | awk '/Absolute upper-left X/ {x=$NF} /Absolute upper-left Y/ {y=$NF}
        /Width:/ {w=$NF} /Height:/ {h=$NF} END {print x, y, w, h}'
}

# visible_window NAME: the id of the last mapped window whose name is NAME (AWT names its peers' windows)
visible_window() {
    xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | tail -n 1
}

# balloon: AWT's notification window ("win0", "win1"…: its tooltip is one too, but 23 px high)
balloon() {
    local id
    for id in $(xdotool search --onlyvisible --name '^win[0-9]+$' 2>/dev/null); do
        read -r _ _ _ h < <(geometry "$id")
        if [ "$h" -gt 40 ]; then echo "$id"; return 0; fi
    done
    return 1
}

Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
wait_for 10 xdpyinfo || { echo "Xvfb did not start on $display" >&2; cat "$work/xvfb.log" >&2; exit 1; }
# a top bar whose right end is the tray, as on a GNOME or Xfce desktop; 26 px high, so the icon's slot is
# square (24x24), as desktop trays make it (a taller one leaves the icon at the slot's top: AWT does not centre it)
trayer --edge top --align right --widthtype percent --width 100 --height 26 --SetDockType true \
    --SetPartialStrut true --expand true >"$work/trayer.log" 2>&1 &
pids+=($!)
wait_for 10 visible_window panel || { echo "trayer showed no panel" >&2; cat "$work/trayer.log" >&2; exit 1; }

shoot() {  # shoot LANGUAGE COUNTRY
    local lang=$1 country=$2 home="$work/home-$1"
    mkdir -p "$home/data/gpu-resource-manager" "$home/config"
    # the demo's own configuration, written before its first start: RECORDING unloads after 10 s idle
    printf '{ "idle_timeout_seconds": %d }\n' "$idle_timeout" >"$home/data/gpu-resource-manager/config-demo.json"
    XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
        java -Duser.language="$lang" -Duser.country="$country" -jar "$jar" --demo --mode recording \
        >"$work/app-$lang.log" 2>&1 &
    local app=$!
    pids+=($app)
    if ! wait_for 120 visible_window JavaEmbeddedFrame; then
        echo "no tray icon appeared ($lang); the app's log:" >&2
        cat "$work/app-$lang.log" >&2
        exit 1
    fi
    wait_for 60 grep -q "VLM qwen3-vl:8b loaded" "$work/app-$lang.log" \
        || { echo "the VLM did not load ($lang)" >&2; cat "$work/app-$lang.log" >&2; exit 1; }
    sleep 1  # the icon and menu follow the panel's state
    local icon ix iy iw ih
    icon=$(visible_window JavaEmbeddedFrame)
    read -r ix iy iw ih < <(geometry "$icon")

    # the menu: a right click on the icon, the pointer then moved off it at once so its tooltip stays away; on
    # the icon's lower left corner, as AWT opens the menu there, so the menu leaves the icon in sight
    xdotool mousemove $((ix + 1)) $((iy + ih - 2)) click 3 mousemove 40 960
    wait_for 10 visible_window sun-awt-X11-XPopupMenuPeer || { echo "no tray menu ($lang)" >&2; exit 1; }
    sleep 0.5
    local menu mx my mw mh
    menu=$(visible_window sun-awt-X11-XPopupMenuPeer)
    read -r mx my mw mh < <(geometry "$menu")
    import -window root "$out/full-menu-$lang.png"
    local left=$(( mx - 40 < 0 ? 0 : mx - 40 ))
    convert "$out/full-menu-$lang.png" -crop $((1600 - left))x$((my + mh + 40))+$left+0 +repage "$out/tray-menu-$lang.png"

    # Hide window, the menu's second last item (Quit is last; each item is as high as the menu's font)
    xdotool mousemove $((mx + mw / 2)) $((my + mh - 39)) click 1 mousemove 40 960
    wait_for 10 bash -c "! xdotool search --onlyvisible --classname GpuRmApplication" \
        || { echo "the window did not hide ($lang)" >&2; exit 1; }

    # the idle unload's notification: AWT draws it as a window of its own beside the icon
    wait_for $((idle_timeout + 30)) grep -q "unloaded in .* (idle timeout)" "$work/app-$lang.log" \
        || { echo "no idle unload ($lang)" >&2; cat "$work/app-$lang.log" >&2; exit 1; }
    wait_for 10 balloon || { echo "no balloon ($lang)" >&2; xwininfo -root -tree >&2; exit 1; }
    sleep 0.5
    local bx by bw bh
    read -r bx by bw bh < <(geometry "$(balloon)")
    import -window root "$out/full-notification-$lang.png"
    left=$(( bx - 40 < 0 ? 0 : bx - 40 ))
    convert "$out/full-notification-$lang.png" -crop $((1600 - left))x$((by + bh + 40))+$left+0 +repage \
        "$out/tray-notification-$lang.png"

    kill "$app"
    wait "$app" 2>/dev/null || true
    wait_for 10 bash -c "! xdotool search --onlyvisible --name '^JavaEmbeddedFrame\$'" || true
}

shoot en US
shoot fr FR
echo "tray screenshots in $out"
