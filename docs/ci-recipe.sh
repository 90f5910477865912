#!/usr/bin/env bash
# Build a Go Lambda as a container image in CI and push it, with BuildKit's cache kept in the registry.
#
#   docs/ci-recipe.sh SOURCE_DIR IMAGE
#
# SOURCE_DIR  the Go module or go.work root (the build context)
# IMAGE       where to push, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api:$GIT_SHA
#
# Environment:
#   BUILDKIT_HOST   the BuildKit daemon (buildctl reads it), e.g. docker-container://buildkitd
#   RPK_FRONTEND    rpk's frontend image, e.g. ghcr.io/your-org/rpk-frontend:0.1.0 (npm run frontend:image)
#   RPK_PLAN        a committed rpk.json to build; when unset the tree is planned with `$RPK plan`
#   RPK             how to run rpk for planning (default: rpk)
#   CACHE_REF       registry ref for BuildKit's cache (default: IMAGE's repository, tag buildcache)
#   TARGET          the Lambda to build when the tree has several
#   PLATFORM        linux/amd64 (default) or linux/arm64
#   METADATA_FILE   where buildctl writes the export metadata (default: a temporary file)
#   GOPROXY GOPRIVATE GONOSUMDB GONOSUMCHECK GONOPROXY GOSUMDB GOFLAGS GOINSECURE
#                   passed to `go mod download` / `go build` when set
#
# Prints IMAGE@sha256:… (what `aws lambda update-function-code --image-uri` wants) as the last line on
# stdout; progress goes to stderr.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 SOURCE_DIR IMAGE" >&2
  exit 2
fi
source_dir=$1
image=$2
case "${image##*/}" in
  *:*) ;;
  *) echo "$0: IMAGE needs a tag (REGISTRY/REPOSITORY:TAG), got $image" >&2; exit 2 ;;
esac
: "${RPK_FRONTEND:?set RPK_FRONTEND to the rpk frontend image}"
cache_ref=${CACHE_REF:-${image%:*}:buildcache}
buildctl=${BUILDCTL:-buildctl}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
metadata_file=${METADATA_FILE:-$work/metadata.json}

# 1. The plan: the frontend reads rpk.json from its own directory (the `dockerfile` local).
mkdir -p "$work/plan"
if [ -n "${RPK_PLAN:-}" ]; then
  cp "$RPK_PLAN" "$work/plan/rpk.json"
else
  # shellcheck disable=SC2086 # RPK may be a command with arguments, e.g. "node /opt/rpk/dist/src/cli/main.js".
  ${RPK:-rpk} plan "$source_dir" --artifact image --out "$work/plan/rpk.json"
fi

# 2. Build and push with rpk's frontend, importing and exporting the cache through the registry.
opts=(--opt "source=$RPK_FRONTEND" --opt output=image)
[ -n "${TARGET:-}" ] && opts+=(--opt "target=$TARGET")
[ -n "${PLATFORM:-}" ] && opts+=(--opt "platform=$PLATFORM")
for name in GOPROXY GOPRIVATE GONOSUMDB GONOSUMCHECK GONOPROXY GOSUMDB GOFLAGS GOINSECURE; do
  if [ -n "${!name:-}" ]; then opts+=(--opt "build-arg:$name=${!name}"); fi
done

"$buildctl" build \
  --progress plain \
  --frontend gateway.v0 \
  "${opts[@]}" \
  --local "context=$source_dir" \
  --local "dockerfile=$work/plan" \
  --import-cache "type=registry,ref=$cache_ref" \
  --export-cache "type=registry,ref=$cache_ref,mode=max,oci-mediatypes=true,image-manifest=true" \
  --output "type=image,name=$image,push=true" \
  --metadata-file "$metadata_file" >&2

# 3. The pushed digest, for deploying exactly what was built.
digest=$(grep -o '"containerimage.digest": *"sha256:[0-9a-f]*"' "$metadata_file" | grep -o 'sha256:[0-9a-f]*')
echo "${image%:*}@$digest"
