#!/usr/bin/env bash
# Set up kscope on a fresh Debian/Ubuntu machine: system packages (bpftrace, Chromium for
# browser mode and e2e, the native addon's toolchain and libraries), npm ci, the native
# addon, the build. Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# --tests: also what only the tests need (the README's test command passes it).
TESTS=0
for a in "$@"; do
  case "$a" in
    --tests) TESTS=1 ;;
    -h|--help) echo "usage: bash scripts/setup.sh [--tests]"; exit 0 ;;
    *) echo "kscope setup: unknown option $a (usage: bash scripts/setup.sh [--tests])" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1mkscope setup:\033[0m %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    log "not root and no sudo: install these packages yourself, then rerun: bpftrace chromium g++ make python3 libbpf-dev libelf-dev pkg-config openssh-client (and for the tests: golang-go linux-perf openssh-server iproute2)"
  fi
fi

# openssh-client: `record --host` rides the system's ssh.
packages=(bpftrace chromium g++ make python3 libbpf-dev libelf-dev pkg-config util-linux ca-certificates openssh-client)
# Only for the tests: golang-go (`go tool pprof` reads our pprof exports), linux-perf (perf
# samples for the import tests), openssh-server (its sshd binary) and iproute2: the runtime
# tests start throw-away sshds on loopback and in network namespaces (never the system's sshd
# or /etc/ssh; see test/support/ssh-lab.ts).
if [ "$TESTS" = 1 ]; then packages+=(golang-go linux-perf openssh-server iproute2); fi
sshd_was_installed=0
dpkg-query -W -f='${Status}' openssh-server 2>/dev/null | grep -q 'install ok installed' && sshd_was_installed=1
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
# The tests need sshd's binary, not a server on this machine: Debian's package starts and
# enables the system's ssh service, so when we installed it, stop and disable that again.
if [ "$TESTS" = 1 ] && [ "$sshd_was_installed" = 0 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  if $SUDO systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1; then
    log "openssh-server was installed for the tests only: the system's ssh service is stopped and disabled again"
  fi
fi

# bpftrace 0.23 and 0.27 beside the system's, for the runtime tests (every version users run).
# Never fatal: without them the tests of those versions skip and say why.
if [ "$TESTS" = 0 ]; then
  :
elif [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
  log "newer bpftrace builds for the tests (Debian trixie 0.23.2, sid 0.27.1) under ${KSCOPE_BPFTRACE_DIR:-/opt}"
  if ! bt_out=$($SUDO bash scripts/bpftrace-versions.sh "${KSCOPE_BPFTRACE_DIR:-/opt}" 2>&1); then
    log "could not install the newer bpftrace builds (their runtime tests will skip):"
    printf '%s\n' "$bt_out" | tail -n 5 | sed 's/^/    /'
  fi
else
  log "not root: skipping the newer bpftrace builds (run sudo scripts/bpftrace-versions.sh); their runtime tests will skip"
fi

if ! command -v node >/dev/null 2>&1; then
  log "Node.js 20.19+ is required (https://nodejs.org or your distribution's nodejs package)"; exit 1
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || { log "Node.js $(node --version) is too old: kscope needs 20.19 or newer"; exit 1; }

log "npm ci (also builds the native addon)"
npm ci --no-audit --no-fund --loglevel=error
if [ ! -f native/build/Release/kscope_native.node ]; then
  log "building the native addon"
  npm run --silent build:native
fi
log "building kscope"
npm run --silent build
log "ready"
