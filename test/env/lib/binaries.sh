# buildkitd, buildctl and the Lambda emulator, built with the machine's Go (sourced by up.sh).

BUILDKITD_BIN="$BIN_DIR/buildkitd"
BUILDCTL_BIN="$BIN_DIR/buildctl"
EMULATOR_BIN="$BIN_DIR/aws-lambda-rie"
# The provided.* stand-ins are two-platform indexes like the real ones: the host's architecture (busybox +
# shell entrypoint, runnable here) and the other Lambda architecture (static Go entrypoint, build-only).
HOST_GOARCH="$(go env GOARCH 2>/dev/null || echo amd64)"
case "$HOST_GOARCH" in
  amd64) FOREIGN_GOARCH=arm64 ;;
  arm64) FOREIGN_GOARCH=amd64 ;;
  *) FOREIGN_GOARCH="" ;;
esac
FOREIGN_BIN_DIR="$BIN_DIR/linux-$FOREIGN_GOARCH"

ensure_buildkit_binaries() {
  local want
  want="$(inputs_hash "buildkit=$BUILDKIT_VERSION" "$(go env GOVERSION)")"
  if stamp_matches buildkit "$want" && [ -x "$BUILDKITD_BIN" ] && [ -x "$BUILDCTL_BIN" ]; then
    log "buildkit $BUILDKIT_VERSION already built ($BIN_DIR)"
    return
  fi
  # `go install github.com/moby/buildkit/cmd/...@version` refuses modules whose go.mod has exclude
  # directives, so build inside a writable copy of the module instead.
  local module_dir src="$CACHE_DIR/src/buildkit-$BUILDKIT_VERSION"
  module_dir="$(go mod download -json "github.com/moby/buildkit@$BUILDKIT_VERSION" | jq -r .Dir)"
  [ -d "$module_dir" ] || die "go mod download github.com/moby/buildkit@$BUILDKIT_VERSION gave no module directory"
  rm -rf "$src"
  mkdir -p "$(dirname "$src")"
  cp -r "$module_dir" "$src"
  chmod -R u+w "$src"
  log "building buildkitd and buildctl $BUILDKIT_VERSION (log: $LOG_DIR/buildkit-build.log)"
  (
    cd "$src"
    go build -o "$BIN_DIR/" \
      -ldflags "-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION" \
      ./cmd/buildkitd ./cmd/buildctl
  ) >"$LOG_DIR/buildkit-build.log" 2>&1 || die "building buildkit failed; see $LOG_DIR/buildkit-build.log"
  write_stamp buildkit "$want"
  log "$("$BUILDCTL_BIN" --version)"
}

# ensure_emulator sets EMULATOR_KIND (real|stand-in) and EMULATOR_NOTE (why).
ensure_emulator() {
  local standin_src="$ENV_DIR/lambda-emulator"
  local real_want standin_want
  real_want="$(inputs_hash "rie=$AWS_LAMBDA_RIE_MODULE@$AWS_LAMBDA_RIE_VERSION" "$(go env GOVERSION)")"
  standin_want="$(inputs_hash "standin" "$(go env GOVERSION)" "$standin_src"/go.mod "$standin_src"/*.go)"

  if stamp_matches emulator "real $real_want" && [ -x "$EMULATOR_BIN" ]; then
    EMULATOR_KIND=real
    EMULATOR_NOTE="aws-lambda-rie $AWS_LAMBDA_RIE_VERSION installed with go install"
    log "real aws-lambda-rie $AWS_LAMBDA_RIE_VERSION already installed"
    return
  fi

  # Always try the real emulator first; it is cheap to ask and wins as soon as the proxy serves it.
  local gobin="$CACHE_DIR/src/rie-gobin"
  rm -rf "$gobin"
  mkdir -p "$gobin"
  if GOBIN="$gobin" CGO_ENABLED=0 timeout 300 go install \
    "$AWS_LAMBDA_RIE_MODULE/cmd/aws-lambda-rie@$AWS_LAMBDA_RIE_VERSION" >"$LOG_DIR/rie-install.log" 2>&1; then
    install -m 0755 "$gobin/aws-lambda-rie" "$EMULATOR_BIN"
    write_stamp emulator "real $real_want"
    EMULATOR_KIND=real
    EMULATOR_NOTE="aws-lambda-rie $AWS_LAMBDA_RIE_VERSION installed with go install"
    log "installed the real aws-lambda-rie $AWS_LAMBDA_RIE_VERSION"
    return
  fi
  local reason
  reason="$(install_failure_reason "$LOG_DIR/rie-install.log")"
  EMULATOR_KIND=stand-in
  EMULATOR_NOTE="go install $AWS_LAMBDA_RIE_MODULE/cmd/aws-lambda-rie@$AWS_LAMBDA_RIE_VERSION failed ($reason); using rpk's stand-in from test/env/lambda-emulator"
  log "real aws-lambda-rie unavailable: $reason"

  if stamp_matches emulator "stand-in $standin_want" && [ -x "$EMULATOR_BIN" ]; then
    log "stand-in emulator already built"
    return
  fi
  log "building the stand-in emulator from test/env/lambda-emulator"
  # Static, so the same binary runs on the host and inside the busybox-based provided.* stand-ins.
  (cd "$standin_src" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$EMULATOR_BIN" .) >"$LOG_DIR/rie-standin-build.log" 2>&1 ||
    die "building the stand-in emulator failed; see $LOG_DIR/rie-standin-build.log"
  write_stamp emulator "stand-in $standin_want"
}

ensure_lambda_binaries() {
  ensure_emulator
  ensure_foreign_lambda_binaries
}

# ensure_foreign_lambda_binaries cross-builds aws-lambda-rie (same kind as the host's) and the Go
# lambda-entrypoint for FOREIGN_GOARCH into $FOREIGN_BIN_DIR.
ensure_foreign_lambda_binaries() {
  [ -n "$FOREIGN_GOARCH" ] || die "Lambda runs on amd64 and arm64; this machine is $HOST_GOARCH"
  local standin_src="$ENV_DIR/lambda-emulator" want
  want="$(inputs_hash "$EMULATOR_KIND" "$FOREIGN_GOARCH" "$(go env GOVERSION)" "rie=$AWS_LAMBDA_RIE_VERSION" \
    "$standin_src"/go.mod "$standin_src"/*.go "$standin_src"/cmd/lambda-entrypoint/*.go)"
  if stamp_matches foreign-lambda-binaries "$want" &&
    [ -x "$FOREIGN_BIN_DIR/aws-lambda-rie" ] && [ -x "$FOREIGN_BIN_DIR/lambda-entrypoint" ]; then
    return
  fi
  mkdir -p "$FOREIGN_BIN_DIR"
  (
    cd "$standin_src"
    export GOOS=linux GOARCH="$FOREIGN_GOARCH" CGO_ENABLED=0
    if [ "$EMULATOR_KIND" = real ]; then
      # go install refuses GOBIN for cross builds; a scratch GOPATH (sharing the module cache) receives it.
      local gopath="$CACHE_DIR/src/rie-cross-gopath"
      rm -rf "$gopath"
      GOPATH="$gopath" GOMODCACHE="$(go env GOMODCACHE)" go install \
        "$AWS_LAMBDA_RIE_MODULE/cmd/aws-lambda-rie@$AWS_LAMBDA_RIE_VERSION"
      install -m 0755 "$gopath/bin/linux_$FOREIGN_GOARCH/aws-lambda-rie" "$FOREIGN_BIN_DIR/aws-lambda-rie"
    else
      go build -trimpath -buildvcs=false -o "$FOREIGN_BIN_DIR/aws-lambda-rie" .
    fi
    go build -trimpath -buildvcs=false -o "$FOREIGN_BIN_DIR/lambda-entrypoint" ./cmd/lambda-entrypoint
  ) >"$LOG_DIR/foreign-lambda-build.log" 2>&1 ||
    die "cross-building the $FOREIGN_GOARCH emulator/entrypoint failed; see $LOG_DIR/foreign-lambda-build.log"
  write_stamp foreign-lambda-binaries "$want"
  log "built linux/$FOREIGN_GOARCH aws-lambda-rie ($EMULATOR_KIND) and lambda-entrypoint"
}

# install_failure_reason LOG condenses a failed `go install` to one line, e.g.
# "https://proxy.golang.org answered 403 Forbidden: This module version is not available."
install_failure_reason() {
  local status response
  status="$(sed -n 's#.*reading \(https://[^/]*\)/.*: \([0-9][0-9][0-9] .*\)$#\1 answered \2#p' "$1" | head -n 1)"
  response="$(sed -n 's/^[[:space:]]*server response:[[:space:]]*//p' "$1" | head -n 1)"
  if [ -n "$status" ]; then
    printf '%s%s\n' "$status" "${response:+: $response}"
  else
    grep -v '^go: downloading' "$1" | tail -n 3 | tr '\n\t' '  ' | sed 's/  */ /g; s/ $//' | cut -c1-300
  fi
}
