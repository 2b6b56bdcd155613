#!/usr/bin/env bash
# Build the native addon against the installed Node's headers when they are present
# (Debian's nodejs ships them in /usr/include/node; no download needed).
set -euo pipefail
cd "$(dirname "$0")/.."
args=(rebuild --directory native)
if [ -f /usr/include/node/node_api.h ]; then args+=(--nodedir=/usr); fi
exec npx --no-install node-gyp "${args[@]}"
