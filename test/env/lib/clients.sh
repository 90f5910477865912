# Real clients for the local-runtime tests (sourced by up.sh): the AWS CLI from PyPI, installed into a virtual
# environment of its own under the cache dir so that nothing on the machine's Python is touched. (The AWS SDK for
# JavaScript is a dev dependency in package.json; curl comes with the apt packages.)

CLIENTS_ENV="$ENV_DIR/clients.env"
# shellcheck source=../clients.env
source "$CLIENTS_ENV"
AWSCLI_VENV="$CACHE_DIR/awscli"
AWS_CLI_BIN="$AWSCLI_VENV/bin/aws"

ensure_aws_cli() {
  local want
  want="$(inputs_hash "$CLIENTS_ENV" "$ENV_DIR/lib/clients.sh" "$(python3 --version 2>&1)")"
  if stamp_matches awscli "$want" && "$AWS_CLI_BIN" --version >/dev/null 2>&1; then
    log "aws cli $AWSCLI_VERSION present at $AWS_CLI_BIN"
    return
  fi
  command -v python3 >/dev/null || die "python3 is not on PATH; the AWS CLI (from PyPI) needs it"
  rm -rf "$AWSCLI_VENV"
  python3 -m venv "$AWSCLI_VENV" >"$LOG_DIR/awscli.log" 2>&1 ||
    die "python3 -m venv $AWSCLI_VENV failed; see $LOG_DIR/awscli.log"
  "$AWSCLI_VENV/bin/pip" install --quiet --disable-pip-version-check "awscli==$AWSCLI_VERSION" >>"$LOG_DIR/awscli.log" 2>&1 ||
    die "pip install awscli==$AWSCLI_VERSION failed; see $LOG_DIR/awscli.log"
  "$AWS_CLI_BIN" --version >>"$LOG_DIR/awscli.log" 2>&1 || die "the installed aws cli does not run; see $LOG_DIR/awscli.log"
  write_stamp awscli "$want"
}
