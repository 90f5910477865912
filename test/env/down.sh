#!/usr/bin/env bash
# Stop what test/env/up.sh started (by its pid files), unmount leftovers under the cache directory, and
# report anything still running or mounted. The cache (build cache, registry, images) is kept for the next
# warm `up`; pass --purge to delete it as well.
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
source "$LIB/common.sh"
source "$LIB/binaries.sh"
source "$LIB/daemons.sh"

PURGE=0
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    *) die "unknown argument $arg (usage: down.sh [--purge])" ;;
  esac
done

require_root
if [ ! -d "$CACHE_DIR" ]; then
  log "nothing to stop: $CACHE_DIR does not exist"
  exit 0
fi
ensure_dirs
take_lock

# Containers that test helpers (runLambdaImage) left behind in our runc state dir.
RUNC_ROOT="$RUN_DIR/runc"
if [ -d "$RUNC_ROOT" ]; then
  for id in $(runc --root "$RUNC_ROOT" list -q 2>/dev/null); do
    runc --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1 && log "removed leftover container $id"
  done
fi

stop_daemon buildkitd "$BUILDKITD_BIN"
stop_daemon registry "$REGISTRY_BIN"
unmount_under "$CACHE_DIR"
rm -f "$BUILDKIT_SOCKET" "$STAMP_DIR/buildkitd-running" "$STAMP_DIR/registry-running"

# Verify: no process runs a binary from our bin dir or the registry with our config; nothing is mounted.
leftover=0
for exe_link in /proc/[0-9]*/exe; do
  exe="$(readlink "$exe_link" 2>/dev/null)" || continue
  pid="${exe_link#/proc/}"
  pid="${pid%/exe}"
  case "$exe" in
    "$BIN_DIR"/*) ;;
    "$REGISTRY_BIN") grep -qF "$REGISTRY_CONFIG" "/proc/$pid/cmdline" 2>/dev/null || continue ;;
    *) continue ;;
  esac
  log "still running: pid $pid ($exe)"
  leftover=1
done
if findmnt -rn -o TARGET | grep -qF "$(readlink -f "$CACHE_DIR")/"; then
  log "still mounted under $CACHE_DIR:"
  findmnt -rn -o TARGET | grep -F "$(readlink -f "$CACHE_DIR")/" | sed 's/^/[rpk-env]   /'
  leftover=1
fi
[ "$leftover" = 0 ] || die "down.sh left processes or mounts behind (listed above)"
log "stopped: no process from $BIN_DIR running, nothing mounted under $CACHE_DIR"

if [ "$PURGE" = 1 ]; then
  rm -rf "$CACHE_DIR"
  log "purged $CACHE_DIR"
fi
