# Stand-in base images, assembled without Docker and pushed to the local registry (sourced by up.sh).
#
#   library/golang:{GOLANG_TAGS}     Debian minbase + gcc/libc6-dev/git/ca-certificates + the machine's Go
#   lambda/provided:{PROVIDED_TAGS}  busybox-static + aws-lambda-rie + /lambda-entrypoint.sh (provided-images.sh)
#   library/node:{NODE_TAGS}         Debian minbase + the machine's node and npm
#
# Root filesystems come from mmdebstrap as tarballs, become layers with `umoci raw add-layer` /
# `umoci insert`, get their config from `umoci config`, and go to the registry with `skopeo copy`.
# They are test fixtures: every image is labelled dev.rpk.test-stand-in=true.

IMAGES_WORK="$IMAGES_DIR/work"
OCI_LAYOUT="" # set per image family by ensure_images
STANDIN_LABEL="dev.rpk.test-stand-in=true"
HOST_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
# Fixed layer timestamps: rebuilding from the same inputs gives the same root filesystem bytes.
export SOURCE_DATE_EPOCH=1700000000

MANIFEST_ACCEPT=(-H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json'
  -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' -H 'Accept: application/vnd.docker.distribution.manifest.v2+json')

# image_tags_present REPOSITORY TAG... succeeds when the registry serves a manifest for every tag.
image_tags_present() {
  local repo="$1" tag
  shift
  for tag in "$@"; do
    curl -fsS -o /dev/null -I \
      "${MANIFEST_ACCEPT[@]}" "http://$REGISTRY_ADDR/v2/$repo/manifests/$tag" 2>/dev/null || return 1
  done
}

# manifest_digest REPOSITORY TAG prints the registry's digest of that manifest.
manifest_digest() {
  curl -fsS -I "${MANIFEST_ACCEPT[@]}" "http://$REGISTRY_ADDR/v2/$1/manifests/$2" | tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }'
}

# Each family (golang, provided, node) is rebuilt and pushed only when its own inputs change or the
# registry lost one of its tags; a new emulator, say, does not rebuild the golang image.
family_inputs_hash() {
  local common=("$ENV_DIR/versions.env" "$ENV_DIR/lib/images.sh" "$HOST_CA_BUNDLE" "$REGISTRY_ADDR" "family=$1")
  case "$1" in
    golang) inputs_hash "${common[@]}" "$(go env GOVERSION)" "$GOROOT_DIR/VERSION" ;;
    provided) inputs_hash "${common[@]}" "$ENV_DIR/lib/provided-images.sh" "$ENV_DIR/images/lambda-entrypoint.sh" \
      "$EMULATOR_BIN" "$FOREIGN_BIN_DIR/aws-lambda-rie" "$FOREIGN_BIN_DIR/lambda-entrypoint" ;;
    node) inputs_hash "${common[@]}" "$(node --version)" ;;
  esac
}

family_present() {
  # shellcheck disable=SC2086 # tag lists are space-separated on purpose
  case "$1" in
    golang) image_tags_present "$GOLANG_REPOSITORY" $GOLANG_TAGS ;;
    provided) image_tags_present "$PROVIDED_REPOSITORY" $PROVIDED_TAGS ;;
    node) image_tags_present "$NODE_REPOSITORY" $NODE_TAGS ;;
  esac
}

ensure_images() {
  local family stale=()
  for family in golang provided node; do
    if stamp_matches "image-$family" "$(family_inputs_hash "$family")" && family_present "$family"; then
      log "$family stand-in images already in the registry"
    else
      stale+=("$family")
    fi
  done
  [ "${#stale[@]}" -gt 0 ] || return 0
  rm -rf "$IMAGES_WORK"
  mkdir -p "$IMAGES_WORK"
  case " ${stale[*]} " in
    *" golang "* | *" node "*) timed "Debian root filesystems" build_debian_rootfs_pair ;;
  esac
  for family in "${stale[@]}"; do
    OCI_LAYOUT="$IMAGES_DIR/oci-$family"
    rm -rf "$OCI_LAYOUT"
    umoci init --layout "$OCI_LAYOUT"
    timed "$family images" "build_${family}_images"
    timed "$family push" "push_${family}_images"
    write_stamp "image-$family" "$(family_inputs_hash "$family")"
    rm -rf "$OCI_LAYOUT" # the registry holds the image now
  done
  rm -rf "$IMAGES_WORK" "$IMAGES_DIR/oci" # (oci/: the shared layout of earlier versions of this script)
}

# timed LABEL COMMAND... is step() for the sub-steps of the images step.
timed() {
  local label="$1" started
  shift
  started="$(now_ms)"
  "$@"
  log "   - $label: $(bc_div $(($(now_ms) - started)) 1000)s"
}

# Both mmdebstrap runs spend much of their time waiting on downloads and dpkg; running them side by side
# roughly halves this step on two cores.
build_debian_rootfs_pair() {
  build_debian_rootfs golang "ca-certificates,netbase,gcc,libc6-dev,make,pkg-config,git" &
  local golang_pid=$!
  build_debian_rootfs slim "ca-certificates,netbase" &
  local slim_pid=$!
  local failed=0
  wait "$golang_pid" || failed=1
  wait "$slim_pid" || failed=1
  [ "$failed" = 0 ] || die "building a Debian root filesystem failed (see the mmdebstrap logs in $LOG_DIR)"
}

# build_debian_rootfs NAME PACKAGES writes $IMAGES_DIR/rootfs-NAME.tar, reusing it when its inputs match.
build_debian_rootfs() {
  local name="$1" packages="$2" tarball="$IMAGES_DIR/rootfs-$1.tar" want
  # The host's CA bundle replaces Debian's so TLS inside builds trusts what the host trusts (the module
  # proxy may sit behind an intercepting proxy whose CA only the host knows).
  local args=(--mode=root --format=tar --variant=minbase --include="$packages"
    --aptopt='Acquire::Check-Valid-Until "false"'
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --customize-hook="cp '$HOST_CA_BUNDLE' \"\$1/etc/ssl/certs/ca-certificates.crt\""
    "$DEBIAN_SUITE")
  want="$(inputs_hash "${args[*]}" "$DEBIAN_MIRROR" "$HOST_CA_BUNDLE" "$SOURCE_DATE_EPOCH")"
  if stamp_matches "rootfs-$name" "$want" && [ -s "$tarball" ]; then
    log "   Debian rootfs '$name' reused"
    return
  fi
  mmdebstrap "${args[@]}" "$tarball.new" "$DEBIAN_MIRROR" >"$LOG_DIR/mmdebstrap-$name.log" 2>&1 ||
    die "mmdebstrap for the '$name' rootfs failed; see $LOG_DIR/mmdebstrap-$name.log"
  mv "$tarball.new" "$tarball"
  write_stamp "rootfs-$name" "$want"
}

# new_image TAG creates an empty image in the OCI layout.
new_image() { umoci new --image "$OCI_LAYOUT:$1"; }

build_golang_images() {
  local tag=golang gopath="$IMAGES_WORK/gopath"
  new_image "$tag"
  umoci raw add-layer --image "$OCI_LAYOUT:$tag" --history.created_by "mmdebstrap $DEBIAN_SUITE minbase (rpk test stand-in)" \
    "$IMAGES_DIR/rootfs-golang.tar"
  umoci insert --image "$OCI_LAYOUT:$tag" --history.created_by "the test machine's Go $GO_VERSION" "$GOROOT_DIR" /usr/local/go
  mkdir -p "$gopath/src" "$gopath/bin"
  chmod -R 1777 "$gopath"
  umoci insert --image "$OCI_LAYOUT:$tag" --history.created_by "GOPATH" "$gopath" /go
  umoci config --image "$OCI_LAYOUT:$tag" \
    --config.env "PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "GOLANG_VERSION=$GO_VERSION" --config.env "GOTOOLCHAIN=local" --config.env "GOPATH=/go" \
    --config.workingdir /go --config.cmd bash \
    --config.label "$STANDIN_LABEL" \
    --config.label "org.opencontainers.image.description=rpk test stand-in for docker.io/library/golang:$GO_VERSION (Debian $DEBIAN_SUITE + the test machine's Go); not the real image" \
    --manifest.annotation "$STANDIN_LABEL"
}

build_node_images() {
  local tag=node staging="$IMAGES_WORK/node" node_bin npm_dir node_version
  node_bin="$(readlink -f "$(command -v node)")"
  npm_dir="$(dirname "$node_bin")/../lib/node_modules/npm"
  node_version="$(node --version)"
  mkdir -p "$staging/bin" "$staging/lib/node_modules"
  install -m 0755 "$node_bin" "$staging/bin/node"
  if [ -d "$npm_dir" ]; then
    cp -a "$npm_dir" "$staging/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$staging/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$staging/bin/npx"
  fi
  new_image "$tag"
  umoci raw add-layer --image "$OCI_LAYOUT:$tag" --history.created_by "mmdebstrap $DEBIAN_SUITE minbase (rpk test stand-in)" \
    "$IMAGES_DIR/rootfs-slim.tar"
  umoci insert --image "$OCI_LAYOUT:$tag" --history.created_by "the test machine's node $node_version" "$staging" /usr/local
  umoci config --image "$OCI_LAYOUT:$tag" \
    --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "NODE_VERSION=${node_version#v}" \
    --config.cmd node \
    --config.label "$STANDIN_LABEL" \
    --config.label "org.opencontainers.image.description=rpk test stand-in for docker.io/library/node:20-bookworm-slim (Debian $DEBIAN_SUITE + the test machine's node $node_version); not the real image" \
    --manifest.annotation "$STANDIN_LABEL"
}

push_golang_images() { for tag in $GOLANG_TAGS; do push_one golang "$GOLANG_REPOSITORY:$tag"; done; }
push_node_images() { for tag in $NODE_TAGS; do push_one node "$NODE_REPOSITORY:$tag"; done; }

# push_one LAYOUT_TAG REPOSITORY:TAG [SKOPEO_FLAGS...]
push_one() {
  local source="$1" dest="$2"
  shift 2
  skopeo copy --quiet "$@" --dest-tls-verify=false "oci:$OCI_LAYOUT:$source" "docker://$REGISTRY_ADDR/$dest" >>"$LOG_DIR/push.log" 2>&1 ||
    die "pushing $dest to $REGISTRY_ADDR failed; see $LOG_DIR/push.log"
  log "   pushed $REGISTRY_ADDR/$dest"
}
