# Host prerequisites: Debian packages and the Go toolchain (sourced by up.sh).

# Debian packages up.sh and the test helpers use, and why:
#   runc            the OCI runtime buildkitd's OCI worker runs build steps with (and runLambdaImage uses)
#   docker-registry the local OCI registry (CNCF distribution 2.8)
#   skopeo, umoci   assemble and push the stand-in images; unpack images for runLambdaImage
#   mmdebstrap      Debian root filesystems for the golang and node stand-ins
#   busybox-static  the shell and tools of the Lambda provided.* stand-ins
#   jq, curl        reading `go mod download -json`, probing the registry
#   util-linux      flock, setsid, findmnt, nsenter, umount
#   iproute2        `ip link set lo up` in the network namespace of a runLambdaImage container
#   ca-certificates TLS to the Go module proxy (its bundle is copied into the stand-in images)
#   gcc, libc6-dev  cgo for building buildkitd like the warm build cache on the test machines
APT_PACKAGES=(runc docker-registry skopeo umoci mmdebstrap busybox-static jq curl util-linux iproute2 ca-certificates gcc libc6-dev)

ensure_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "apt packages present: ${APT_PACKAGES[*]}"
    return
  fi
  log "installing apt packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$LOG_DIR/apt.log" 2>&1 ||
    die "apt-get update failed; see $LOG_DIR/apt.log"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 ||
    die "apt-get install ${missing[*]} failed; see $LOG_DIR/apt.log"
}

ensure_go_toolchain() {
  command -v go >/dev/null || die "go is not on PATH; install Go $GO_VERSION (test/env/versions.env pins it)"
  local have
  have="$(go env GOVERSION)"
  [ "$have" = "go$GO_VERSION" ] ||
    die "go on PATH is $have but test/env/versions.env pins GO_VERSION=$GO_VERSION; install that or update the pin"
  GOROOT_DIR="$(go env GOROOT)"
  log "go $GO_VERSION at $GOROOT_DIR"
}
