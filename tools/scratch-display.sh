# Sourced by the measuring scripts: a scratch home for the app (its files, not the user's) and, without a
# DISPLAY, a private Xvfb at the reference station's 2560x1600. Sets $scratch and $xvfb_pid (empty if none).
scratch=$(mktemp -d)
xvfb_pid=
if [ -z "${DISPLAY:-}" ]; then
  display=:$((90 + RANDOM % 100))
  Xvfb "$display" -screen 0 2560x1600x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=$display
  sleep 1
fi
export XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data
