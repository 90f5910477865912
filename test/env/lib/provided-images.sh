# The public.ecr.aws/lambda/provided:{al2,al2023} stand-ins (sourced by up.sh after images.sh).
#
# Like the real tags, each is an OCI index with linux/amd64 and linux/arm64 images:
#   - the host's architecture: busybox-static with its applets, the shell /lambda-entrypoint.sh, the
#     emulator — this one runs here (runLambdaImage, `docker run`-style tests);
#   - the other architecture: the same layout with a static Go /lambda-entrypoint.sh (same contract) and the
#     cross-built emulator, no shell — enough to build arm64 (or amd64) Lambda images on it, not to run them.

# provided_rootfs_tar VARIANT GOARCH OUT writes the single layer of one platform of a provided.* stand-in.
provided_rootfs_tar() {
  local variant="$1" goarch="$2" out="$3" root="$IMAGES_WORK/provided-$1-$2" applet os_version contents
  rm -rf "$root"
  mkdir -p "$root"/{bin,usr/bin,usr/local/bin,etc/ssl/certs,etc/pki/tls/certs,var/task,var/runtime,opt,root,proc,sys,dev,tmp}
  chmod 1777 "$root/tmp"
  if [ "$goarch" = "$HOST_GOARCH" ]; then
    install -m 0755 "$(command -v busybox)" "$root/bin/busybox"
    for applet in $("$root/bin/busybox" --list); do
      [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
    done
    install -m 0755 "$EMULATOR_BIN" "$root/usr/local/bin/aws-lambda-rie"
    install -m 0755 "$ENV_DIR/images/lambda-entrypoint.sh" "$root/lambda-entrypoint.sh"
    contents="busybox"
  else
    install -m 0755 "$FOREIGN_BIN_DIR/aws-lambda-rie" "$root/usr/local/bin/aws-lambda-rie"
    install -m 0755 "$FOREIGN_BIN_DIR/lambda-entrypoint" "$root/lambda-entrypoint.sh"
    contents="no shell; Go entrypoint"
  fi
  install -m 0644 "$HOST_CA_BUNDLE" "$root/etc/pki/tls/certs/ca-bundle.crt"
  ln -sf ../../pki/tls/certs/ca-bundle.crt "$root/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  case "$variant" in
    al2) os_version=2 ;;
    al2023) os_version=2023 ;;
    *) die "unknown provided variant $variant" ;;
  esac
  cat >"$root/etc/os-release" <<OS
NAME="Amazon Linux (rpk test stand-in)"
ID="amzn"
VERSION_ID="$os_version"
PRETTY_NAME="rpk test stand-in for public.ecr.aws/lambda/provided:$variant ($contents; not Amazon Linux)"
OS
  # Deterministic layer: sorted names, fixed mtime, numeric root ownership.
  (cd "$root" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | sort |
    tar --create --file "$out" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --numeric-owner --owner=0 --group=0 --files-from=-)
}

# build_provided_platform VARIANT GOARCH builds the image tagged provided-VARIANT-GOARCH in the layout.
build_provided_platform() {
  local variant="$1" goarch="$2" tag="provided-$1-$2"
  provided_rootfs_tar "$variant" "$goarch" "$IMAGES_WORK/$tag.tar"
  new_image "$tag"
  umoci raw add-layer --image "$OCI_LAYOUT:$tag" --history.created_by "rpk test stand-in layer (aws-lambda-rie $EMULATOR_KIND)" \
    "$IMAGES_WORK/$tag.tar"
  umoci config --image "$OCI_LAYOUT:$tag" --os linux --architecture "$goarch" \
    --config.env "PATH=/usr/local/bin:/usr/bin:/bin:/opt/bin" \
    --config.env "LD_LIBRARY_PATH=/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib" \
    --config.env "LAMBDA_TASK_ROOT=/var/task" --config.env "LAMBDA_RUNTIME_DIR=/var/runtime" \
    --config.env "TZ=:/etc/localtime" --config.env "LANG=en_US.UTF-8" \
    --config.workingdir /var/task --config.entrypoint /lambda-entrypoint.sh \
    --config.label "$STANDIN_LABEL" \
    --config.label "org.opencontainers.image.description=rpk test stand-in for public.ecr.aws/lambda/provided:$variant (linux/$goarch, aws-lambda-rie $EMULATOR_KIND); not the real image" \
    --manifest.annotation "$STANDIN_LABEL"
}

# add_oci_index INDEX_TAG TAG... writes an image index over the tagged manifests (platforms from their
# configs) into the layout and tags it INDEX_TAG. umoci has no command for indexes; the format is small.
add_oci_index() {
  local index_tag="$1" tag descriptors=() manifest_desc config_digest platform
  shift
  for tag in "$@"; do
    manifest_desc="$(jq -c --arg tag "$tag" \
      '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $tag) | {mediaType, digest, size}' \
      "$OCI_LAYOUT/index.json")"
    config_digest="$(jq -r .config.digest "$OCI_LAYOUT/blobs/sha256/$(jq -r '.digest | ltrimstr("sha256:")' <<<"$manifest_desc")")"
    platform="$(jq -c '{architecture, os} + (if .architecture == "arm64" then {variant: "v8"} else {} end)' \
      "$OCI_LAYOUT/blobs/sha256/${config_digest#sha256:}")"
    descriptors+=("$(jq -c --argjson platform "$platform" '. + {platform: $platform}' <<<"$manifest_desc")")
  done
  local index digest size
  index="$(printf '%s\n' "${descriptors[@]}" | jq -c -s --arg standin "$STANDIN_LABEL" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: .,
      annotations: {($standin | split("=")[0]): ($standin | split("=")[1])}}')"
  digest="$(printf '%s' "$index" | sha256sum | cut -d' ' -f1)"
  size="$(printf '%s' "$index" | wc -c)"
  printf '%s' "$index" >"$OCI_LAYOUT/blobs/sha256/$digest"
  jq --arg tag "$index_tag" --arg digest "sha256:$digest" --argjson size "$size" \
    '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $digest, size: $size,
       annotations: {"org.opencontainers.image.ref.name": $tag}}]' \
    "$OCI_LAYOUT/index.json" >"$OCI_LAYOUT/index.json.new"
  mv "$OCI_LAYOUT/index.json.new" "$OCI_LAYOUT/index.json"
}

build_provided_images() {
  local variant
  for variant in $PROVIDED_TAGS; do
    build_provided_platform "$variant" "$HOST_GOARCH"
    build_provided_platform "$variant" "$FOREIGN_GOARCH"
    # Same platform order as the real index: amd64 first.
    add_oci_index "provided-$variant" "provided-$variant-amd64" "provided-$variant-arm64"
  done
}

push_provided_images() {
  local variant
  for variant in $PROVIDED_TAGS; do push_one "provided-$variant" "$PROVIDED_REPOSITORY:$variant" --all; done
}
