# Shared helpers for test/env/up.sh and test/env/down.sh (sourced, not executed).
# Layout of the cache directory (RPK_TEST_HOME, default ~/.cache/rpk-test-env):
#   bin/        buildkitd, buildctl, aws-lambda-rie (real or stand-in)
#   run/        pid files and the buildkitd socket
#   logs/       buildkitd.log, registry.log, build logs of the binaries and images
#   buildkit/   buildkitd state (--root): snapshots, build cache
#   registry/   registry storage and config
#   images/     work space for the stand-in images (rootfs tarballs, OCI layout)
#   stamps/     what was built from which inputs, so warm runs skip it
#   env.json    the description of the environment tests read (env.sh: the same for shells)

ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$ENV_DIR/../.." && pwd)"
# shellcheck source=../versions.env
source "$ENV_DIR/versions.env"

CACHE_DIR="${RPK_TEST_HOME:-$HOME/.cache/rpk-test-env}"
BIN_DIR="$CACHE_DIR/bin"
RUN_DIR="$CACHE_DIR/run"
LOG_DIR="$CACHE_DIR/logs"
BUILDKIT_ROOT="$CACHE_DIR/buildkit"
REGISTRY_DIR="$CACHE_DIR/registry"
IMAGES_DIR="$CACHE_DIR/images"
STAMP_DIR="$CACHE_DIR/stamps"

REGISTRY_PORT="${RPK_TEST_REGISTRY_PORT:-$REGISTRY_PORT}"
REGISTRY_ADDR="127.0.0.1:$REGISTRY_PORT"
BUILDKIT_SOCKET="$RUN_DIR/buildkitd.sock"
BUILDKIT_HOST="unix://$BUILDKIT_SOCKET"

log() { printf '[rpk-env] %s\n' "$*"; }
die() {
  printf '[rpk-env] error: %s\n' "$*" >&2
  exit 1
}

now_ms() { date +%s%3N; }

# step NAME FUNCTION [ARGS...] runs one provisioning step and records how long it took.
STEP_TIMINGS=()
step() {
  local name="$1"
  shift
  local started
  started="$(now_ms)"
  log "== $name"
  "$@"
  local elapsed=$(($(now_ms) - started))
  STEP_TIMINGS+=("$(printf '%-22s %7.2fs' "$name" "$(bc_div "$elapsed" 1000)")")
  log "   $name done in $(bc_div "$elapsed" 1000)s"
}

# bc_div A B prints A/B with two decimals, without depending on bc.
bc_div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

require_root() {
  [ "$(id -u)" = 0 ] || die "the test environment runs buildkitd and runc as root; run as root (e.g. sudo $0)"
}

ensure_dirs() {
  mkdir -p "$BIN_DIR" "$RUN_DIR" "$LOG_DIR" "$BUILDKIT_ROOT" "$REGISTRY_DIR" "$IMAGES_DIR" "$STAMP_DIR"
  # A unix socket path must fit in sockaddr_un (108 bytes including the terminator).
  [ "${#BUILDKIT_SOCKET}" -lt 100 ] || die "RPK_TEST_HOME is too long for a unix socket path ($BUILDKIT_SOCKET); pick a shorter directory"
}

# take_lock serialises up.sh/down.sh runs on one cache dir (tests in several terminals may start them).
# Daemons must not inherit the lock's descriptor (start_daemon closes it), or they would hold it forever.
take_lock() {
  exec 9>"$CACHE_DIR/.up.lock"
  if ! flock -n 9; then
    log "another up.sh/down.sh holds $CACHE_DIR/.up.lock; waiting for it (up to 15 min)"
    flock -w 900 9 || die "gave up waiting for $CACHE_DIR/.up.lock; is another up.sh stuck? (fuser -v $CACHE_DIR/.up.lock)"
  fi
}

# --- processes started by up.sh, tracked by pid files in $RUN_DIR -----------------------------------------

# pid_of NAME EXE prints the pid recorded for NAME when that process is alive and runs EXE.
pid_of() {
  local name="$1" exe="$2" pid
  [ -f "$RUN_DIR/$name.pid" ] || return 1
  pid="$(cat "$RUN_DIR/$name.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$exe")" ] || return 1
  printf '%s\n' "$pid"
}

# start_daemon NAME LOGFILE EXE [ARGS...] starts EXE in its own session, detached from the caller's
# terminal and process group (so it outlives a test run), and records its pid.
start_daemon() {
  local name="$1" logfile="$2"
  shift 2
  # Not a group leader here (no job control), so setsid execs in place and $! is the daemon's pid.
  setsid "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  echo "$!" >"$RUN_DIR/$name.pid"
}

# stop_daemon NAME EXE stops the recorded process: SIGTERM, then SIGKILL after a grace period.
stop_daemon() {
  local name="$1" exe="$2" pid i
  if pid="$(pid_of "$name" "$exe")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM for 10s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$RUN_DIR/$name.pid"
}

# wait_until SECONDS DESCRIPTION COMMAND... polls COMMAND every 0.1s.
wait_until() {
  local seconds="$1" what="$2"
  shift 2
  local deadline=$(($(now_ms) + seconds * 1000))
  until "$@" >/dev/null 2>&1; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# --- stamps: "built from these inputs" markers ------------------------------------------------------------

# inputs_hash FILE_OR_STRING... hashes files (by content) and plain strings together.
inputs_hash() {
  local item
  for item in "$@"; do
    if [ -f "$item" ]; then
      printf 'file %s\n' "$(sha256sum <"$item" | cut -d' ' -f1)"
    else
      printf 'value %s\n' "$item"
    fi
  done | sha256sum | cut -d' ' -f1
}

stamp_matches() { [ -f "$STAMP_DIR/$1" ] && [ "$(cat "$STAMP_DIR/$1")" = "$2" ]; }
write_stamp() { printf '%s\n' "$2" >"$STAMP_DIR/$1"; }
