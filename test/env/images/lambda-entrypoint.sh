#!/bin/sh
# /lambda-entrypoint.sh of rpk's test stand-in for public.ecr.aws/lambda/provided:al2 / :al2023.
# Same contract as the real image's entrypoint:
#   - exactly one argument, the handler; it is exported as _HANDLER for the runtime;
#   - outside Lambda (AWS_LAMBDA_RUNTIME_API unset) the bootstrap runs under the Runtime Interface
#     Emulator, which serves the invoke endpoint on :8080;
#   - inside Lambda the bootstrap is exec'd directly.
if [ "$#" -ne 1 ]; then
  echo "lambda-entrypoint.sh: expected exactly one argument (the handler), got $#" >&2
  exit 142
fi
export _HANDLER="$1"

bootstrap="${LAMBDA_RUNTIME_DIR:-/var/runtime}/bootstrap"
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  exec /usr/local/bin/aws-lambda-rie "$bootstrap"
fi
exec "$bootstrap"
