#!/usr/bin/env bash
# Bring up (or confirm) the rpk integration-test environment: buildkitd + buildctl, the local registry
# that mirrors docker.io and public.ecr.aws, the stand-in base images, and the Lambda emulator.
# Idempotent: a warm run only checks health and rewrites env.json. See docs/test-environment.md.
#
#   test/env/up.sh                  # cache in ${RPK_TEST_HOME:-~/.cache/rpk-test-env}
#   RPK_TEST_HOME=/tmp/x test/env/up.sh
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
source "$LIB/common.sh"
source "$LIB/packages.sh"
source "$LIB/binaries.sh"
source "$LIB/daemons.sh"
source "$LIB/images.sh"
source "$LIB/provided-images.sh"
source "$LIB/sam-build-images.sh"
source "$LIB/clients.sh"
source "$LIB/golang-old-images.sh"
source "$LIB/envfile.sh"

require_root
ensure_dirs
take_lock
UP_STARTED="$(now_ms)"
log "rpk test environment in $CACHE_DIR"

step "apt packages" ensure_apt_packages
step "go toolchain" ensure_go_toolchain
step "buildkit binaries" ensure_buildkit_binaries
step "lambda emulator" ensure_lambda_binaries
step "registry" ensure_registry
step "buildkitd" ensure_buildkitd
step "stand-in images" ensure_images
step "sam build images" ensure_sam_build_images
step "aws cli" ensure_aws_cli
step "golang 1.21 image" ensure_golang_old_images
step "env file" write_env_files

log "timings:"
for line in "${STEP_TIMINGS[@]}"; do log "  $line"; done
log "  $(printf '%-22s %7.2fs' total "$(bc_div $(($(now_ms) - UP_STARTED)) 1000)")"
log "BUILDKIT_HOST=$BUILDKIT_HOST  registry=$REGISTRY_ADDR  emulator=$EMULATOR_KIND"
log "emulator: $EMULATOR_NOTE"
log "env file: $ENV_JSON (shells: source $ENV_SH)"
