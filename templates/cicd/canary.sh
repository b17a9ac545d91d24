#!/usr/bin/env bash
# Deploys one Cloud Run service (or job) and, when a public API already serves traffic, rolls the
# new revision out as a canary with automatic rollback. Called by .github/workflows/deploy.yml;
# runnable by hand with the same arguments.
#
#   canary.sh --service NAME --region REGION --project PROJECT --image IMAGE
#             [--strategy canary|direct|job] [--health-path /healthz] [--steps 10,50,100]
#             [--bake-seconds 60] [--health-retries 5] [--health-timeout 5]
#             [--health-interval 5] [--tag canary] [-- EXTRA_GCLOUD_DEPLOY_FLAGS...]
#
# canary: first deploy (no service yet) -> 100% at once, because --no-traffic fails on a service
#         that does not exist. Later deploys: remember the serving revision, deploy the new one
#         with no traffic under a tag, check the tagged URL, then shift traffic step by step
#         with a bake time and a check at each step. Any failure -> 100% back to the old revision.
# direct: deploy to 100%; Cloud Run only routes to a revision once it is ready, so a revision
#         that fails to start never takes traffic (workers and non-public services).
# job:    update a Cloud Run job.
set -euo pipefail

log() { printf 'canary: %s\n' "$*"; }
die() { printf 'canary: %s\n' "$*" >&2; exit 2; }
fail() { printf 'canary: FAILED: %s\n' "$*" >&2; exit 1; }

# Every argument is checked against a strict pattern before it reaches gcloud or curl.
expect() { [[ $2 =~ $3 ]] || die "invalid $1: '$2'"; }

SERVICE="" REGION="" PROJECT="" IMAGE=""
STRATEGY=canary HEALTH_PATH=/ STEPS=10,50,100 TAG=canary
BAKE=60 RETRIES=5 TIMEOUT=5 INTERVAL=5
EXTRA=()

while [[ $# -gt 0 ]]; do
  case $1 in
    --) shift; EXTRA=("$@"); break ;;
    --service | --region | --project | --image | --strategy | --health-path | --steps | --tag | \
      --bake-seconds | --health-retries | --health-timeout | --health-interval)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case $1 in
        --service) SERVICE=$2 ;;
        --region) REGION=$2 ;;
        --project) PROJECT=$2 ;;
        --image) IMAGE=$2 ;;
        --strategy) STRATEGY=$2 ;;
        --health-path) HEALTH_PATH=$2 ;;
        --steps) STEPS=$2 ;;
        --tag) TAG=$2 ;;
        --bake-seconds) BAKE=$2 ;;
        --health-retries) RETRIES=$2 ;;
        --health-timeout) TIMEOUT=$2 ;;
        --health-interval) INTERVAL=$2 ;;
      esac
      shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done

expect service "$SERVICE" '^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$'
expect region "$REGION" '^[a-z]+-[a-z]+[0-9]+$'
expect project "$PROJECT" '^[a-z][a-z0-9-]{4,28}[a-z0-9]$'
expect image "$IMAGE" '^[a-z0-9.-]+(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$'
expect strategy "$STRATEGY" '^(canary|direct|job)$'
expect health-path "$HEALTH_PATH" '^/[A-Za-z0-9._~/-]{0,100}$'
expect steps "$STEPS" '^[0-9]{1,3}(,[0-9]{1,3}){0,4}$'
expect tag "$TAG" '^[a-z][a-z0-9-]{0,20}$'
expect bake-seconds "$BAKE" '^[0-9]{1,4}$'
expect health-retries "$RETRIES" '^[1-9][0-9]?$'
expect health-timeout "$TIMEOUT" '^[1-9][0-9]?$'
expect health-interval "$INTERVAL" '^[0-9]{1,2}$'
for flag in "${EXTRA[@]}"; do
  expect deploy-flag "$flag" '^--[a-z][a-z0-9-]*(=[A-Za-z0-9_.:=/@%+,^|-]*)?$'
done

IFS=, read -r -a STEP_LIST <<<"$STEPS"
previous_step=0
for step in "${STEP_LIST[@]}"; do
  ((10#$step > previous_step && 10#$step <= 100)) || die "steps must ascend within 1..100: $STEPS"
  previous_step=$((10#$step))
done
((previous_step == 100)) || die "the last step must be 100: $STEPS"

G=(--region "$REGION" --project "$PROJECT" --quiet)

# healthy URL: true once the URL answers 2xx/3xx, false after RETRIES failed attempts.
healthy() {
  local attempt
  for ((attempt = 1; attempt <= RETRIES; attempt++)); do
    if curl --fail --silent --show-error --output /dev/null --max-time "$TIMEOUT" "$1"; then
      return 0
    fi
    log "health check $attempt/$RETRIES failed: $1"
    if ((attempt < RETRIES)); then sleep "$INTERVAL"; fi
  done
  return 1
}

# The revision with the largest share of traffic right now (the one to roll back to).
serving_revision() {
  local percent revision best=-1 found=""
  while IFS=, read -r percent revision; do
    percent=${percent:-0}
    if [[ $percent =~ ^[0-9]+$ ]] && ((percent > best)) && [[ -n $revision ]]; then
      best=$percent found=$revision
    fi
  done < <(gcloud run services describe "$SERVICE" "${G[@]}" --flatten=status.traffic \
    --format='csv[no-heading](status.traffic.percent,status.traffic.revisionName)')
  printf '%s' "$found"
}

if [[ $STRATEGY == job ]]; then
  log "updating job $SERVICE"
  gcloud run jobs deploy "$SERVICE" --image "$IMAGE" "${G[@]}" "${EXTRA[@]}"
  exit 0
fi

# Does the service exist? `describe` answers exactly (a list --filter also matches prefixes such
# as NAME-worker). "Cannot find service" means a first deploy; any other failure (permission, API
# disabled, network) stops here rather than sending an existing service down the first-deploy path.
existing=1
if ! describe_error=$(gcloud run services describe "$SERVICE" "${G[@]}" --format='value(metadata.name)' 2>&1 >/dev/null); then
  [[ $describe_error == *"Cannot find service"* ]] || fail "cannot tell whether $SERVICE exists: $describe_error"
  existing=0
fi

if [[ $STRATEGY == direct || $existing == 0 ]]; then
  ((existing)) || log "$SERVICE does not exist yet: first deploy takes 100% directly"
  gcloud run deploy "$SERVICE" --image "$IMAGE" "${G[@]}" "${EXTRA[@]}"
  log "$SERVICE deployed (Cloud Run readiness gate passed)"
  exit 0
fi

ROLLBACK_TO=$(serving_revision)
expect serving-revision "$ROLLBACK_TO" '^[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?$'
log "serving revision: $ROLLBACK_TO"

# From here on, any non-zero exit (a failed check or an unexpected gcloud error) sends all
# traffic back to the revision that was serving before.
rollback_on_failure() {
  local rc=$?
  if ((rc != 0)); then
    log "rolling back $SERVICE: 100% to $ROLLBACK_TO"
    gcloud run services update-traffic "$SERVICE" "${G[@]}" --to-revisions "$ROLLBACK_TO=100" ||
      log "ROLLBACK FAILED: run: gcloud run services update-traffic $SERVICE --region $REGION --project $PROJECT --to-revisions $ROLLBACK_TO=100"
  fi
  exit "$rc"
}
trap rollback_on_failure EXIT

gcloud run deploy "$SERVICE" --image "$IMAGE" --no-traffic --tag "$TAG" "${G[@]}" "${EXTRA[@]}"
url=$(gcloud run services describe "$SERVICE" "${G[@]}" --format='value(status.url)')
expect service-url "$url" '^https://[a-z0-9.-]+$'
# Cloud Run serves a tagged revision at https://TAG---HOST.
tag_url="https://$TAG---${url#https://}"

healthy "$tag_url$HEALTH_PATH" || fail "new revision unhealthy before taking traffic"
for step in "${STEP_LIST[@]}"; do
  if ((10#$step == 100)); then
    gcloud run services update-traffic "$SERVICE" "${G[@]}" --to-latest
  else
    gcloud run services update-traffic "$SERVICE" "${G[@]}" --to-tags "$TAG=$((10#$step))"
  fi
  log "$((10#$step))% on the new revision; baking ${BAKE}s"
  sleep "$BAKE"
  healthy "$tag_url$HEALTH_PATH" || fail "new revision unhealthy at $((10#$step))%"
done
healthy "$url$HEALTH_PATH" || fail "service unhealthy at 100%"
log "$SERVICE rolled out to 100%"
