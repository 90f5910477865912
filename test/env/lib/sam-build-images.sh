# The public.ecr.aws/sam/build-provided.{al2,al2023}:latest stand-ins (sourced by up.sh after images.sh and
# provided-images.sh, whose helpers it uses). rpk compiles cgo targets in these images, with /usr/local/go
# copied in from the golang image. Amazon Linux cannot be had on the test machines, so each stand-in is:
#
#   linux/<host arch>   Debian slim root filesystem (the node stand-in's) + Zig from PyPI in /opt/zig, and
#                       compiler wrappers in /usr/local/bin: gcc, cc, g++, c++ and the cross names
#                       x86_64-linux-gnu-{gcc,g++}, aarch64-linux-gnu-{gcc,g++}, each `zig cc -target
#                       <arch>-linux-gnu.<glibc>` with the runtime's glibc (2.26 for al2, 2.34 for al2023).
#                       There is no Debian gcc or libc6-dev in it: nothing can link against Debian's glibc.
#   linux/<other arch>  /etc/os-release only. rpk mounts it read-only as the sysroot of a cross compile and
#                       never runs it; the Zig wrappers bring their own glibc stubs and ignore --sysroot.
#
# The real images are Amazon Linux with GNU gcc and glibc-devel, and have no cross compilers; see
# docs/test-environment.md for how that changes what a cross-arch cgo build does there.

SAM_BUILD_ENV="$ENV_DIR/sam-build.env"
# shellcheck source=../sam-build.env
source "$SAM_BUILD_ENV"
SAM_BUILD_WORK="$IMAGES_DIR/work-sam-build"

sam_build_inputs_hash() {
  inputs_hash "$SAM_BUILD_ENV" "$ENV_DIR/lib/sam-build-images.sh" "$REGISTRY_ADDR" "$HOST_GOARCH" \
    "rootfs-slim=$(cat "$STAMP_DIR/rootfs-slim" 2>/dev/null)"
}

sam_build_present() {
  local variant
  for variant in $SAM_BUILD_VARIANTS; do
    image_tags_present "$SAM_BUILD_REPOSITORY_PREFIX.$variant" "$SAM_BUILD_TAG" || return 1
  done
}

ensure_sam_build_images() {
  # The slim Debian root filesystem is the node stand-in's; images.sh builds (or reuses) it.
  [ -s "$IMAGES_DIR/rootfs-slim.tar" ] || build_debian_rootfs slim "ca-certificates,netbase"
  if stamp_matches image-sam-build "$(sam_build_inputs_hash)" && sam_build_present; then
    log "sam build-provided stand-in images already in the registry"
    return
  fi
  rm -rf "$SAM_BUILD_WORK"
  mkdir -p "$SAM_BUILD_WORK"
  OCI_LAYOUT="$IMAGES_DIR/oci-sam-build"
  rm -rf "$OCI_LAYOUT"
  umoci init --layout "$OCI_LAYOUT"
  timed "zig $ZIGLANG_VERSION" fetch_zig
  local variant
  for variant in $SAM_BUILD_VARIANTS; do
    timed "sam build-provided.$variant images" build_sam_build_variant "$variant"
    push_one "sam-$variant" "$SAM_BUILD_REPOSITORY_PREFIX.$variant:$SAM_BUILD_TAG" --all
  done
  write_stamp image-sam-build "$(sam_build_inputs_hash)"
  rm -rf "$OCI_LAYOUT" "$SAM_BUILD_WORK"
}

# fetch_zig unpacks the ziglang wheel for the host into $SAM_BUILD_WORK/zig/opt/zig, without the headers and
# libcs of the operating systems Lambda never runs (Windows, macOS, BSDs, WASI).
fetch_zig() {
  local wheels="$IMAGES_DIR/ziglang-$ZIGLANG_VERSION" platform wheel zig="$SAM_BUILD_WORK/zig/opt/zig"
  mkdir -p "$wheels"
  case "$HOST_GOARCH" in
    amd64) platform=manylinux_2_12_x86_64 ;;
    arm64) platform=manylinux2014_aarch64 ;;
    *) die "no ziglang wheel for $HOST_GOARCH" ;;
  esac
  wheel="$(find "$wheels" -maxdepth 1 -name "ziglang-$ZIGLANG_VERSION-*${platform#manylinux*_}*.whl" 2>/dev/null | head -1)"
  if [ -z "$wheel" ]; then
    mkdir -p "$wheels"
    python3 -m pip download --quiet --no-deps --only-binary=:all: --platform "$platform" \
      "ziglang==$ZIGLANG_VERSION" -d "$wheels" >"$LOG_DIR/ziglang.log" 2>&1 ||
      die "pip download ziglang==$ZIGLANG_VERSION failed; see $LOG_DIR/ziglang.log"
    wheel="$(find "$wheels" -maxdepth 1 -name "ziglang-$ZIGLANG_VERSION-*.whl" | head -1)"
  fi
  mkdir -p "$SAM_BUILD_WORK/wheel"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$wheel" "$SAM_BUILD_WORK/wheel"
  mkdir -p "$(dirname "$zig")"
  mv "$SAM_BUILD_WORK/wheel/ziglang" "$zig"
  rm -rf "$SAM_BUILD_WORK/wheel" "$zig/__init__.py" "$zig/__main__.py"
  chmod 0755 "$zig/zig"
  (cd "$zig/lib/libc" && rm -rf mingw darwin wasi freebsd netbsd openbsd \
    include/any-windows-any include/any-darwin-any include/*-freebsd-* include/*-netbsd-* include/*-openbsd-* include/wasm-*)
  "$zig/zig" version >/dev/null || die "the ziglang $ZIGLANG_VERSION wheel's zig does not run on this machine"
}

# write_zig_wrapper FILE ZIG_TARGET writes a gcc-style compiler driver that runs zig for that target.
write_zig_wrapper() {
  local file="$1" target="$2" mode="$3"
  cat >"$file" <<WRAPPER
#!/bin/sh
# rpk test stand-in, not GNU gcc: zig $mode for $target (links against that glibc version's symbols).
# Zig brings its own glibc stubs, so a --sysroot (the target-arch image rpk mounts) is dropped.
export ZIG_GLOBAL_CACHE_DIR="\${ZIG_GLOBAL_CACHE_DIR:-/tmp/rpk-zig-cache}"
export ZIG_LOCAL_CACHE_DIR="\${ZIG_LOCAL_CACHE_DIR:-\$ZIG_GLOBAL_CACHE_DIR}"
for arg do
  shift
  case "\$arg" in --sysroot=*) ;; *) set -- "\$@" "\$arg" ;; esac
done
exec /opt/zig/zig $mode -target $target "\$@"
WRAPPER
  chmod 0755 "$file"
}

# sam_build_tools VARIANT writes the /usr/local/bin and /etc of the runnable platform.
sam_build_tools() {
  local variant="$1" glibc root="$SAM_BUILD_WORK/tools-$1" native name arch
  glibc="SAM_BUILD_GLIBC_$variant"
  glibc="${!glibc}"
  case "$HOST_GOARCH" in amd64) native=x86_64 ;; arm64) native=aarch64 ;; esac
  mkdir -p "$root/bin"
  for name in gcc cc; do write_zig_wrapper "$root/bin/$name" "$native-linux-gnu.$glibc" cc; done
  for name in g++ c++; do write_zig_wrapper "$root/bin/$name" "$native-linux-gnu.$glibc" c++; done
  for arch in x86_64 aarch64; do
    write_zig_wrapper "$root/bin/$arch-linux-gnu-gcc" "$arch-linux-gnu.$glibc" cc
    write_zig_wrapper "$root/bin/$arch-linux-gnu-g++" "$arch-linux-gnu.$glibc" c++
  done
}

# sam_os_release VARIANT GOARCH DIR writes DIR/os-release.
sam_os_release() {
  local version=2
  [ "$1" = al2023 ] && version=2023
  mkdir -p "$3"
  cat >"$3/os-release" <<OS
NAME="Amazon Linux (rpk test stand-in)"
ID="amzn"
VERSION_ID="$version"
PRETTY_NAME="rpk test stand-in for public.ecr.aws/sam/build-provided.$1 (linux/$2; not Amazon Linux)"
OS
}

build_sam_build_variant() {
  local variant="$1" goarch tag glibc description
  glibc="SAM_BUILD_GLIBC_$variant"
  glibc="${!glibc}"
  sam_build_tools "$variant"
  for goarch in "$HOST_GOARCH" "$FOREIGN_GOARCH"; do
    tag="sam-$variant-$goarch"
    sam_os_release "$variant" "$goarch" "$SAM_BUILD_WORK/etc-$variant-$goarch"
    new_image "$tag"
    if [ "$goarch" = "$HOST_GOARCH" ]; then
      umoci raw add-layer --image "$OCI_LAYOUT:$tag" --history.created_by "mmdebstrap $DEBIAN_SUITE minbase (rpk test stand-in)" \
        "$IMAGES_DIR/rootfs-slim.tar"
      umoci insert --image "$OCI_LAYOUT:$tag" --history.created_by "zig $ZIGLANG_VERSION (PyPI ziglang)" "$SAM_BUILD_WORK/zig/opt/zig" /opt/zig
      umoci insert --image "$OCI_LAYOUT:$tag" --history.created_by "zig compiler wrappers for glibc $glibc" \
        "$SAM_BUILD_WORK/tools-$variant/bin" /usr/local/bin
      description="Debian $DEBIAN_SUITE slim + zig $ZIGLANG_VERSION as gcc/cc/g++ and x86_64/aarch64-linux-gnu-gcc, linking against glibc $glibc"
    else
      description="/etc/os-release only: a sysroot rpk mounts for cross compiles, never run"
    fi
    umoci insert --image "$OCI_LAYOUT:$tag" --history.created_by "os-release" "$SAM_BUILD_WORK/etc-$variant-$goarch/os-release" /etc/os-release
    umoci config --image "$OCI_LAYOUT:$tag" --os linux --architecture "$goarch" \
      --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --config.workingdir /var/task --config.cmd /bin/sh \
      --config.label "$STANDIN_LABEL" \
      --config.label "org.opencontainers.image.description=rpk test stand-in for public.ecr.aws/sam/build-provided.$variant (linux/$goarch): $description; not the real image" \
      --manifest.annotation "$STANDIN_LABEL"
  done
  # Same platform order as the real index: amd64 first.
  add_oci_index "sam-$variant" "sam-$variant-amd64" "sam-$variant-arm64"
}
