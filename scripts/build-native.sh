#!/usr/bin/env bash
# Build the native addon against the installed Node's headers when they are present
# (Debian's nodejs ships them in /usr/include/node; no download needed).
# --optional (npm ci's postinstall): a failed build warns instead of failing the install;
# kscope then says clearly what the addon would have provided.
set -uo pipefail
cd "$(dirname "$0")/.."
optional=0
[ "${1:-}" = "--optional" ] && optional=1
args=(rebuild --directory native)
if [ -f /usr/include/node/node_api.h ]; then args+=(--nodedir=/usr); fi
if npx --no-install node-gyp "${args[@]}" >build-native.log 2>&1; then
  rm -f build-native.log
  exit 0
fi
if [ "$optional" = 1 ]; then
  echo "kscope: the native addon did not build (needs g++, make, python3, libbpf-dev, libelf-dev, pkg-config); see build-native.log" >&2
  exit 0
fi
cat build-native.log >&2
exit 1
