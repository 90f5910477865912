# The docker.io/library/golang:1.21.13-bookworm stand-in (sourced by up.sh after images.sh, whose helpers and
# golang root filesystem it uses): a plan for a `go 1.21` module compiles in it, so the suite can build a
# repository on an older Go than the test machine's end to end. It is the golang stand-in's Debian root
# filesystem + the official Go 1.21.13 GOROOT from the module proxy (golang.org/toolchain, the module
# GOTOOLCHAIN switching downloads). Go releases before 1.21 are not published there, so nothing older can be
# had on the test machines.

GOLANG_OLD_VERSION=1.21.13
GOLANG_OLD_TAG="$GOLANG_OLD_VERSION-bookworm"
GOLANG_OLD_WORK="$IMAGES_DIR/work-golang-old"

golang_old_inputs_hash() {
  inputs_hash "$ENV_DIR/lib/golang-old-images.sh" "$REGISTRY_ADDR" "$HOST_GOARCH" \
    "rootfs-golang=$(cat "$STAMP_DIR/rootfs-golang" 2>/dev/null)"
}

ensure_golang_old_images() {
  [ -s "$IMAGES_DIR/rootfs-golang.tar" ] ||
    build_debian_rootfs golang "ca-certificates,netbase,gcc,libc6-dev,make,pkg-config,git"
  if stamp_matches image-golang-old "$(golang_old_inputs_hash)" &&
    image_tags_present "$GOLANG_REPOSITORY" "$GOLANG_OLD_TAG"; then
    log "golang:$GOLANG_OLD_TAG stand-in already in the registry"
    return
  fi
  rm -rf "$GOLANG_OLD_WORK"
  mkdir -p "$GOLANG_OLD_WORK"
  OCI_LAYOUT="$IMAGES_DIR/oci-golang-old"
  rm -rf "$OCI_LAYOUT"
  umoci init --layout "$OCI_LAYOUT"
  timed "go $GOLANG_OLD_VERSION toolchain module" fetch_old_goroot
  timed "golang:$GOLANG_OLD_TAG image" build_golang_old_image
  push_one golang-old "$GOLANG_REPOSITORY:$GOLANG_OLD_TAG"
  write_stamp image-golang-old "$(golang_old_inputs_hash)"
  rm -rf "$OCI_LAYOUT" "$GOLANG_OLD_WORK"
}

# fetch_old_goroot unpacks golang.org/toolchain@v0.0.1-go<version>.linux-<arch> into $GOLANG_OLD_WORK/goroot.
# A module zip keeps no file modes: the go and tool binaries get their execute bit back, as the go command's
# own toolchain switch does.
fetch_old_goroot() {
  local module="golang.org/toolchain@v0.0.1-go$GOLANG_OLD_VERSION.linux-$HOST_GOARCH" zip
  zip="$(go mod download -json "$module" 2>"$LOG_DIR/golang-old.log" | sed -n 's/^\t"Zip": "\(.*\)",$/\1/p')"
  [ -s "$zip" ] || die "go mod download $module failed; see $LOG_DIR/golang-old.log"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$GOLANG_OLD_WORK/unzip"
  mv "$GOLANG_OLD_WORK/unzip/$module" "$GOLANG_OLD_WORK/goroot"
  rm -rf "$GOLANG_OLD_WORK/unzip"
  chmod -R a+rX "$GOLANG_OLD_WORK/goroot"
  find "$GOLANG_OLD_WORK/goroot/bin" "$GOLANG_OLD_WORK/goroot/pkg/tool" -type f -exec chmod 0755 {} +
  [ "$("$GOLANG_OLD_WORK/goroot/bin/go" env GOVERSION)" = "go$GOLANG_OLD_VERSION" ] ||
    die "the unpacked Go $GOLANG_OLD_VERSION does not run"
}

build_golang_old_image() {
  local tag=golang-old gopath="$GOLANG_OLD_WORK/gopath"
  new_image "$tag"
  umoci raw add-layer --image "$OCI_LAYOUT:$tag" --history.created_by "mmdebstrap $DEBIAN_SUITE minbase (rpk test stand-in)" \
    "$IMAGES_DIR/rootfs-golang.tar"
  umoci insert --image "$OCI_LAYOUT:$tag" --history.created_by "Go $GOLANG_OLD_VERSION from golang.org/toolchain" \
    "$GOLANG_OLD_WORK/goroot" /usr/local/go
  mkdir -p "$gopath/src" "$gopath/bin"
  chmod -R 1777 "$gopath"
  umoci insert --image "$OCI_LAYOUT:$tag" --history.created_by "GOPATH" "$gopath" /go
  umoci config --image "$OCI_LAYOUT:$tag" \
    --config.env "PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "GOLANG_VERSION=$GOLANG_OLD_VERSION" --config.env "GOTOOLCHAIN=local" --config.env "GOPATH=/go" \
    --config.workingdir /go --config.cmd bash \
    --config.label "$STANDIN_LABEL" \
    --config.label "org.opencontainers.image.description=rpk test stand-in for docker.io/library/golang:$GOLANG_OLD_TAG (Debian $DEBIAN_SUITE + Go $GOLANG_OLD_VERSION from golang.org/toolchain); not the real image" \
    --manifest.annotation "$STANDIN_LABEL"
}
