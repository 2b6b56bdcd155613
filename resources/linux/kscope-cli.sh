#!/bin/sh
# `kscope` on PATH (/usr/bin/kscope links here): the CLI (record, serve, catalog, ...) run by
# the bundled Electron as plain Node. With no arguments and a display, the app itself.
self=$(readlink -f "$0")
APP=$(dirname "$(dirname "$(dirname "$self")")")
if [ $# -eq 0 ] && [ -n "$DISPLAY$WAYLAND_DISPLAY" ]; then
  exec "$APP/kscope"
fi
export ELECTRON_RUN_AS_NODE=1
export KSCOPE_RESOURCES="$APP/resources/resources"
exec "$APP/kscope" "$APP/resources/app/dist/electron/cli.cjs" "$@"
