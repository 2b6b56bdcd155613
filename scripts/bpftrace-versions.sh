#!/usr/bin/env bash
# scripts/bpftrace-versions.sh [DEST]
#
# kscope's test tiers run against every bpftrace users run: the system's (0.17 on Debian 12)
# and the two newer Debian builds below. scripts/setup.sh calls this (CI too); a failure here
# never fails setup, it only says why (the runtime tests then skip that version, saying so).
# node/engine/bpftrace-versions.ts finds what it installed (DEST/bpftrace-X.Y.Z/bpftrace).
#
# Installs newer Debian builds of bpftrace side by side with the system's one, on a
# Debian 12 (bookworm) amd64 machine, as root, with nothing but apt access:
#
#   DEST/bpftrace-0.23.2/bpftrace   (Debian trixie, bpftrace 0.23.2-1, LLVM 19)
#   DEST/bpftrace-0.27.1/bpftrace   (Debian sid,    bpftrace 0.27.1-1, LLVM 21)
#
# DEST defaults to /opt. For each version it downloads bpftrace and its full Depends
# closure from that suite (an apt configuration of its own with an empty dpkg status, so
# the host's apt sources, preferences and installed packages are neither used nor
# touched), unpacks the .debs with dpkg-deb -x into DEST/bpftrace-X/root, and makes a
# copy of the binary whose ELF interpreter is that suite's ld.so and whose DT_RPATH is
# that suite's library directory (patchelf). The result is a normal host process named
# "bpftrace": it sees the host's /tmp, /proc, /sys, tracefs, BTF and binaries as they
# are, and loads only the suite's libraries (checked with ld.so --list before it is
# declared installed). Nothing is chrooted and nothing is installed into the host's
# dpkg database (except patchelf from bookworm, if missing).
#
# Prints the wrapper paths (one per line) on stdout; progress goes to stderr. Exits
# non-zero with a message on failure. Re-running is quick: a version whose stamp and
# --version check pass is left alone. If a suite's Release file is expired (a frozen
# mirror, or a clock ahead of it), it says so and retries with
# Acquire::Check-Valid-Until=false; signatures are still verified.
#
# Environment: BPFTRACE_VERSIONS  (default "0.23.2-1@trixie 0.27.1-1@sid"; a version the
#                                  suite no longer has falls back to the suite's own, with a warning)
#              BPFTRACE_MIRROR    (default: the Debian archive URI of this machine's own apt sources)
#              BPFTRACE_KEYRING   (default /usr/share/keyrings/debian-archive-keyring.gpg)
set -euo pipefail

PROG=bpftrace-versions.sh
die() { echo "$PROG: error: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

[ "$#" -le 1 ] || die "usage: $PROG [DEST]   (installs under DEST, default /opt)"
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac

DEST=${1:-/opt}
SPECS=${BPFTRACE_VERSIONS:-"0.23.2-1@trixie 0.27.1-1@sid"}
# The Debian archive this machine's apt already uses (deb822 "URIs:" or one-line "deb URI SUITE").
host_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk '/^[[:space:]]*URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }
         /^[[:space:]]*deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) { print $i; exit } break } }' "$f"
  done | head -n 1
}
MIRROR=${BPFTRACE_MIRROR:-$(host_mirror)}
[ -n "$MIRROR" ] || die "no Debian archive found in /etc/apt sources: set BPFTRACE_MIRROR"
KEYRING=${BPFTRACE_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

[ "$(id -u)" = 0 ] || die "must run as root (it runs apt-get and writes under $DEST)"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
  || die "apt-get and dpkg-deb are required (a Debian system)"
arch=$(dpkg --print-architecture)
[ "$arch" = amd64 ] || die "only amd64 is supported (this machine is $arch)"
[ -r "$KEYRING" ] || die "keyring $KEYRING not found (apt-get install debian-archive-keyring)"
case "$DEST" in /*) ;; *) DEST=$(pwd)/$DEST ;; esac
mkdir -p "$DEST" || die "cannot create $DEST"
DEST=$(cd "$DEST" && pwd -P)

ensure_patchelf() {
  command -v patchelf >/dev/null && return 0
  log "installing patchelf (host apt, bookworm)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends patchelf >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends patchelf >&2 \
      || die "could not install patchelf with apt-get"
  fi
  command -v patchelf >/dev/null || die "patchelf still missing after apt-get install"
}

# "installed" means: the stamp names this exact version and suite and this directory, and
# the binary runs and says the expected version.
is_installed() { # TARGET DEBVER SUITE SHORT
  local t=$1
  [ -f "$t/.installed" ] && [ -x "$t/bpftrace" ] || return 1
  [ "$(cat "$t/.installed")" = "bpftrace $2 $3 $t" ] || return 1
  [ "$("$t/bpftrace" --version 2>/dev/null)" = "bpftrace v$4" ] || return 1
}

install_one() { # DEBVER SUITE
  local debver=$1 suite=$2
  local short=${debver#*:}; short=${short%-*}
  local t="$DEST/bpftrace-$short"
  if is_installed "$t" "$debver" "$suite" "$short"; then
    log "bpftrace $debver ($suite) already installed in $t"
    echo "$t/bpftrace"; return 0
  fi
  if [ -e "$t" ] && [ ! -e "$t/.installed" ] && [ ! -e "$t/.partial" ]; then
    die "$t exists and was not made by $PROG; move it away first"
  fi
  ensure_patchelf
  log "installing bpftrace $debver from Debian $suite into $t"
  rm -rf "$t"
  mkdir -p "$t"; : > "$t/.partial"

  # 1. A private apt configuration that sees only SUITE, with an empty dpkg status, so
  #    that the whole Depends closure is resolved and downloaded from that suite.
  local a="$t/apt"
  mkdir -p "$a/etc/sources.list.d" "$a/etc/preferences.d" "$a/state" \
           "$a/lists/partial" "$a/cache/archives/partial"
  : > "$a/state/status"
  echo "deb [signed-by=$KEYRING] $MIRROR $suite main" > "$a/etc/sources.list"
  local -a A=(-q -o "Dir::Etc::sourcelist=$a/etc/sources.list"
    -o "Dir::Etc::sourceparts=$a/etc/sources.list.d"
    -o "Dir::Etc::preferences=$a/etc/preferences"
    -o "Dir::Etc::preferencesparts=$a/etc/preferences.d"
    -o "Dir::State=$a/state" -o "Dir::State::status=$a/state/status"
    -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache"
    -o "APT::Architecture=amd64" -o "APT::Architectures::=amd64"
    -o "APT::Install-Recommends=0" -o "APT::Install-Suggests=0")
  if ! apt-get "${A[@]}" update >"$a/update.log" 2>&1; then
    if grep -q 'is expired' "$a/update.log"; then
      # A frozen mirror (or a clock ahead of it): the Release file's Valid-Until has passed.
      # Signatures are still checked; only the freshness check is relaxed, and said so.
      log "WARNING: the $suite Release file from $MIRROR is expired (Valid-Until passed: frozen mirror or clock ahead);"
      log "         retrying with Acquire::Check-Valid-Until=false (signatures are still verified)"
      A+=(-o Acquire::Check-Valid-Until=false)
      apt-get "${A[@]}" update >"$a/update.log" 2>&1 \
        || { cat "$a/update.log" >&2; die "apt-get update for Debian $suite failed"; }
    else
      cat "$a/update.log" >&2
      die "apt-get update for Debian $suite failed (network? keyring $KEYRING too old for $suite?)"
    fi
  fi
  if ! apt-get "${A[@]}" -y -d install "bpftrace=$debver" >"$a/download.log" 2>&1; then
    local have
    have=$(apt-cache "${A[@]}" madison bpftrace 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2; exit}')
    [ -n "$have" ] || { cat "$a/download.log" >&2; die "Debian $suite has no bpftrace"; }
    log "WARNING: Debian $suite no longer has bpftrace $debver; installing its $have instead"
    apt-get "${A[@]}" -y -d install "bpftrace=$have" >"$a/download.log" 2>&1 \
      || { cat "$a/download.log" >&2; die "could not download bpftrace=$have and its dependencies from Debian $suite"; }
    # Re-home the install under the version that was really fetched.
    local nshort=${have#*:}; nshort=${nshort%-*}
    local nt="$DEST/bpftrace-$nshort"
    if [ "$nt" != "$t" ]; then
      if is_installed "$nt" "$have" "$suite" "$nshort"; then
        rm -rf "$t"; log "bpftrace $have ($suite) already installed in $nt"; echo "$nt/bpftrace"; return 0
      fi
      rm -rf "$nt"; mv "$t" "$nt"; t=$nt; a="$t/apt"
      A=("${A[@]/#Dir::/Dir::}")   # paths below are rebuilt from $a
      A=(-q -o "Dir::Etc::sourcelist=$a/etc/sources.list" -o "Dir::Etc::sourceparts=$a/etc/sources.list.d"
        -o "Dir::Etc::preferences=$a/etc/preferences" -o "Dir::Etc::preferencesparts=$a/etc/preferences.d"
        -o "Dir::State=$a/state" -o "Dir::State::status=$a/state/status"
        -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache")
    fi
    debver=$have; short=$nshort
  fi

  # 2. Unpack every .deb (no maintainer scripts run; nothing enters the host's dpkg database).
  local root="$t/root" deb n=0
  mkdir -p "$root"
  for deb in "$a"/cache/archives/*.deb; do
    dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed"
    dpkg-deb -f "$deb" Package Version | paste -sd' ' >> "$t/PACKAGES"
    n=$((n + 1))
  done
  [ -x "$root/usr/bin/bpftrace" ] || die "bpftrace binary missing from the unpacked packages"

  # 3. The suite's loader and library directories.
  local ld="" d libdirs=""
  for d in "$root/usr/lib64/ld-linux-x86-64.so.2" "$root/lib64/ld-linux-x86-64.so.2" \
           "$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$root/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"; do
    if [ -e "$d" ]; then ld=$d; break; fi
  done
  [ -n "$ld" ] || die "no ld-linux-x86-64.so.2 in the unpacked libc6"
  local -a dirs=()
  for d in "$root/usr/lib/x86_64-linux-gnu" "$root/lib/x86_64-linux-gnu" "$root/usr/lib" "$root/lib"; do
    if [ -d "$d" ] && [ ! -L "$d" ] && compgen -G "$d/*.so*" >/dev/null; then
      dirs+=("$d"); libdirs=${libdirs:+$libdirs:}$d
    fi
  done
  [ "${#dirs[@]}" -gt 0 ] || die "no library directory in the unpacked packages"

  # 4. Libraries with a DT_RUNPATH (LLVM's and clang's: $ORIGIN/../lib) do not inherit the
  #    executable's DT_RPATH for their own dependencies; the loader would then take libz3,
  #    libffi, libedit, libxml2 ... from the host. Point them at the suite's directories.
  #    (patchelf --print-rpath, not readelf: binutils is not on a minimal Debian.)
  local f rp o old
  while IFS= read -r -d '' f; do
    old=$(patchelf --print-rpath "$f" 2>/dev/null) || continue    # not an ELF object
    if [ -n "$old" ]; then
      rp='$ORIGIN'
      for o in "${dirs[@]}"; do [ "$o" = "$(dirname "$f")" ] || rp=$rp:$o; done
      patchelf --set-rpath "$rp" "$f" || die "patchelf --set-rpath $f failed"
    fi
  done < <(find "${dirs[@]}" -maxdepth 1 -type f -name '*.so*' -print0)

  # 5. The binary: a copy with the suite's interpreter and an RPATH (applies to all its
  #    dependencies that have no RUNPATH of their own).
  cp "$root/usr/bin/bpftrace" "$t/bpftrace.new"
  patchelf --set-interpreter "$ld" --force-rpath --set-rpath "$libdirs" "$t/bpftrace.new" \
    || die "patchelf on the bpftrace binary failed"
  chmod 0755 "$t/bpftrace.new"

  # 6. Every library must come from the suite.
  local list
  list=$("$ld" --list "$t/bpftrace.new" 2>&1) || { echo "$list" >&2; die "the suite's loader cannot load $t/bpftrace.new"; }
  if echo "$list" | grep -q 'not found'; then echo "$list" >&2; die "unresolved libraries"; fi
  if echo "$list" | grep -E '=> /|^\s*/' | grep -vF "$root/" | grep -q .; then
    echo "$list" >&2; die "some libraries resolve outside $root"
  fi
  echo "$list" > "$t/LIBRARIES"
  mv -f "$t/bpftrace.new" "$t/bpftrace"
  mkdir -p "$t/bin"; ln -sfn ../bpftrace "$t/bin/bpftrace"   # for PATH=$t/bin:$PATH
  local v; v=$("$t/bpftrace" --version 2>&1) || { echo "$v" >&2; die "$t/bpftrace --version failed"; }
  [ "$v" = "bpftrace v$short" ] || die "$t/bpftrace --version says '$v', expected 'bpftrace v$short'"
  [ -f "$root/usr/share/man/man8/bpftrace.8.gz" ] && ln -sfn root/usr/share/man/man8/bpftrace.8.gz "$t/bpftrace.8.gz"

  rm -rf "$a"                                   # the .debs (60-110 MB) and apt lists
  echo "bpftrace $debver $suite $t" > "$t/.installed"
  rm -f "$t/.partial"
  log "installed bpftrace $debver ($suite, $n packages) in $t"
  echo "$t/bpftrace"
}

for spec in $SPECS; do
  case "$spec" in *@*) ;; *) die "bad BPFTRACE_VERSIONS entry '$spec' (want DEBVERSION@SUITE)" ;; esac
  install_one "${spec%@*}" "${spec#*@}"
done
