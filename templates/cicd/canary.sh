#!/usr/bin/env bash
# Deploys one Cloud Run service (or job) and, when a public API already serves traffic, rolls the
# new revision out as a canary with automatic rollback. Called by .github/workflows/deploy.yml;
# runnable by hand with the same arguments.
#
#   canary.sh --service NAME --region REGION --project PROJECT --image IMAGE
#             [--strategy canary|direct|job|worker-pool] [--health-path /healthz]
#             [--health-mode route|reachable] [--steps 10,50,100]
#             [--bake-seconds 60] [--health-retries 5] [--health-timeout 5]
#             [--health-interval 5] [--tag canary] [--execute]
#             [--max-5xx-ratio 0.0144 --max-latency-ms 2000 [--latency-percentile 99]
#              [--min-requests 209] [--metrics-delay 180]] [-- EXTRA_GCLOUD_DEPLOY_FLAGS...]
#
# canary: first deploy (no service yet) -> 100% at once, because --no-traffic fails on a service
#         that does not exist. Later deploys: remember the serving revision, deploy the new one
#         with no traffic under a tag, check the tagged URL, then shift traffic step by step
#         with a bake time and a check at each step. Any failure -> 100% back to the old revision.
#         With --max-5xx-ratio, each step is also judged on the real traffic the new revision
#         served during its bake (Cloud Monitoring: its share of 5xx answers and its latency at
#         --latency-percentile), the same SLIs the observe phase's SLOs use; a step that served
#         fewer than --min-requests requests is left to the health check.
# Health checks: `route` (default) GETs the app's health route and wants a 2xx/3xx answer;
# `reachable`, for an app with no health route (its startup probe only checks the port), wants any
# answer below 500 from --health-path: a 404 or a login redirect proves the new revision serves,
# a 5xx or silence does not. Never a 2xx from a route the app does not have.
# direct: deploy to 100%; Cloud Run only routes to a revision once it is ready, so a revision
#         that fails to start never takes traffic (workers and non-public services).
# job:    update a Cloud Run job; with --execute, also run it once and wait for it to finish
#         (database migrations: a failed execution fails the deploy before anything else ships).
# worker-pool: update a Cloud Run worker pool (always-on consumers; `gcloud beta` until it is GA in
#         the gcloud the runner has).
set -euo pipefail

log() { printf 'canary: %s\n' "$*"; }
die() { printf 'canary: %s\n' "$*" >&2; exit 2; }
fail() { printf 'canary: FAILED: %s\n' "$*" >&2; exit 1; }

# Every argument is checked against a strict pattern before it reaches gcloud or curl.
expect() { [[ $2 =~ $3 ]] || die "invalid $1: '$2'"; }

SERVICE="" REGION="" PROJECT="" IMAGE=""
STRATEGY=canary HEALTH_PATH=/ HEALTH_MODE=route STEPS=10,50,100 TAG=canary EXECUTE=0
BAKE=60 RETRIES=5 TIMEOUT=5 INTERVAL=5
MAX_5XX="" MAX_LATENCY="" PERCENTILE=95 MIN_REQUESTS=20 METRICS_DELAY=180
EXTRA=()

while [[ $# -gt 0 ]]; do
  case $1 in
    --) shift; EXTRA=("$@"); break ;;
    --execute) EXECUTE=1; shift ;;
    --service | --region | --project | --image | --strategy | --health-path | --health-mode | --steps | --tag | \
      --bake-seconds | --health-retries | --health-timeout | --health-interval | --max-5xx-ratio | \
      --max-latency-ms | --latency-percentile | --min-requests | --metrics-delay)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case $1 in
        --service) SERVICE=$2 ;;
        --region) REGION=$2 ;;
        --project) PROJECT=$2 ;;
        --image) IMAGE=$2 ;;
        --strategy) STRATEGY=$2 ;;
        --health-path) HEALTH_PATH=$2 ;;
        --health-mode) HEALTH_MODE=$2 ;;
        --steps) STEPS=$2 ;;
        --tag) TAG=$2 ;;
        --bake-seconds) BAKE=$2 ;;
        --health-retries) RETRIES=$2 ;;
        --health-timeout) TIMEOUT=$2 ;;
        --health-interval) INTERVAL=$2 ;;
        --max-5xx-ratio) MAX_5XX=$2 ;;
        --max-latency-ms) MAX_LATENCY=$2 ;;
        --latency-percentile) PERCENTILE=$2 ;;
        --min-requests) MIN_REQUESTS=$2 ;;
        --metrics-delay) METRICS_DELAY=$2 ;;
      esac
      shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done

expect service "$SERVICE" '^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$'
expect region "$REGION" '^[a-z]+-[a-z]+[0-9]+$'
expect project "$PROJECT" '^[a-z][a-z0-9-]{4,28}[a-z0-9]$'
expect image "$IMAGE" '^[a-z0-9.-]+(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$'
expect strategy "$STRATEGY" '^(canary|direct|job|worker-pool)$'
[[ $EXECUTE == 0 || $STRATEGY == job ]] || die "--execute goes with --strategy job only"
expect health-path "$HEALTH_PATH" '^/[A-Za-z0-9._~/-]{0,100}$'
expect health-mode "$HEALTH_MODE" '^(route|reachable)$'
expect steps "$STEPS" '^[0-9]{1,3}(,[0-9]{1,3}){0,4}$'
expect tag "$TAG" '^[a-z][a-z0-9-]{0,20}$'
expect bake-seconds "$BAKE" '^[0-9]{1,4}$'
expect health-retries "$RETRIES" '^[1-9][0-9]?$'
expect health-timeout "$TIMEOUT" '^[1-9][0-9]?$'
expect health-interval "$INTERVAL" '^[0-9]{1,2}$'
if [[ -n $MAX_5XX || -n $MAX_LATENCY ]]; then
  expect max-5xx-ratio "$MAX_5XX" '^0\.[0-9]{1,6}$'
  expect max-latency-ms "$MAX_LATENCY" '^[1-9][0-9]{0,6}$'
fi
expect latency-percentile "$PERCENTILE" '^(50|95|99)$'
expect min-requests "$MIN_REQUESTS" '^[1-9][0-9]{0,6}$'
expect metrics-delay "$METRICS_DELAY" '^[0-9]{1,4}$'
# Deploy flags: what src/phases/cicd/deploy-flags.ts DEPLOY_FLAG allows.
# CREDENTIAL_ARGS_FLAG: a command that reads a credential from its env var through sh -c.
CREDENTIAL_ARGS='^--args=(\^\|\^-c\||-c,)exec( [A-Za-z0-9_.:=/@%+,-]*("\$[A-Z][A-Z0-9_]*")?)+$'
for flag in "${EXTRA[@]}"; do
  [[ $flag =~ $CREDENTIAL_ARGS ]] && continue
  expect deploy-flag "$flag" '^--[a-z][a-z0-9-]*(=[]A-Za-z0-9_.:=/@%+,^|*;"[-]*)?$'
done
# A Cloud Storage volume's mount options (which user owns its files) are a `gcloud beta` key in
# the gcloud the runner has; GA gcloud refuses them: deploys that set them use the beta track.
DEPLOY=(gcloud run)
for flag in "${EXTRA[@]}"; do
  if [[ $flag == --add-volume=*,mount-options=* ]]; then DEPLOY=(gcloud beta run); fi
done

IFS=, read -r -a STEP_LIST <<<"$STEPS"
previous_step=0
for step in "${STEP_LIST[@]}"; do
  ((10#$step > previous_step && 10#$step <= 100)) || die "steps must ascend within 1..100: $STEPS"
  previous_step=$((10#$step))
done
((previous_step == 100)) || die "the last step must be 100: $STEPS"

G=(--region "$REGION" --project "$PROJECT" --quiet)

# answers URL: one attempt, as HEALTH_MODE asks (route: 2xx/3xx; reachable: any HTTP answer below 500).
answers() {
  local code
  if [[ $HEALTH_MODE == route ]]; then
    curl --fail --silent --show-error --output /dev/null --max-time "$TIMEOUT" "$1"
    return
  fi
  code=$(curl --silent --show-error --output /dev/null --write-out '%{http_code}' --max-time "$TIMEOUT" "$1") || code=000
  [[ $code =~ ^[1-4][0-9][0-9]$ ]] || { log "answered HTTP $code"; return 1; }
}

# healthy URL: true once the URL answers, false after RETRIES failed attempts.
healthy() {
  local attempt
  for ((attempt = 1; attempt <= RETRIES; attempt++)); do
    if answers "$1"; then
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
  "${DEPLOY[@]}" jobs deploy "$SERVICE" --image "$IMAGE" "${G[@]}" "${EXTRA[@]}"
  if ((EXECUTE)); then
    log "running job $SERVICE to the end"
    gcloud run jobs execute "$SERVICE" "${G[@]}" --wait || fail "job $SERVICE failed: see its execution logs"
  fi
  exit 0
fi

if [[ $STRATEGY == worker-pool ]]; then
  log "updating worker pool $SERVICE"
  gcloud beta run worker-pools deploy "$SERVICE" --image "$IMAGE" "${G[@]}" "${EXTRA[@]}"
  exit 0
fi

# --- Judging a step by its real traffic (only with --max-5xx-ratio) -------------------------
# The filters are the request SLIs of src/contracts/request-sli.ts, narrowed to one revision.
MONITORING="https://monitoring.googleapis.com/v3/projects/$PROJECT/timeSeries"

# time_series FILTER START END ALIGNER REDUCER SECONDS [GROUP_BY]: timeSeries.list as JSON, one
# aligned point per series over the window (alignment periods start at 60 s).
time_series() {
  local period=$(($6 > 60 ? $6 : 60))
  local args=(-G "$MONITORING" --data-urlencode "filter=$1"
    --data-urlencode "interval.startTime=$2" --data-urlencode "interval.endTime=$3"
    --data-urlencode "aggregation.alignmentPeriod=${period}s"
    --data-urlencode "aggregation.perSeriesAligner=$4" --data-urlencode "aggregation.crossSeriesReducer=$5")
  [[ -n ${7:-} ]] && args+=(--data-urlencode "aggregation.groupByFields=$7")
  # The token reaches curl on stdin (-H @-), never on a command line other processes can read.
  curl --fail --silent --show-error --max-time 30 -H @- "${args[@]}" <<<"Authorization: Bearer $ACCESS_TOKEN"
}

# judge_traffic START END SECONDS PERCENT: false when the revision broke the SLIs in that window.
judge_traffic() {
  local scope counts total bad latency
  scope="resource.type=\"cloud_run_revision\" AND resource.label.service_name=\"$SERVICE\" AND resource.label.revision_name=\"$NEW_REVISION\""
  counts=$(time_series "metric.type=\"run.googleapis.com/request_count\" AND $scope" "$1" "$2" \
    ALIGN_DELTA REDUCE_SUM "$3" metric.label.response_code_class) ||
    fail "cannot read Cloud Monitoring (the deployer needs roles/monitoring.viewer, see scripts/setup-wif.sh)"
  read -r total bad < <(jq -r '[.timeSeries[]? | {class: (.metric.labels.response_code_class // ""),
    n: ([.points[]?.value.int64Value // "0" | tonumber] | add // 0)}]
    | "\(map(.n) | add // 0) \(map(select(.class == "5xx").n) | add // 0)"' <<<"$counts")
  [[ $total =~ ^[0-9]+$ && $bad =~ ^[0-9]+$ ]] || fail "unexpected answer from Cloud Monitoring: ${counts:0:300}"
  if ((total < MIN_REQUESTS)); then
    log "$4%: $total request(s) in the bake window, fewer than $MIN_REQUESTS: too few to judge by traffic, the health check decided"
    return 0
  fi
  latency=$(time_series "metric.type=\"run.googleapis.com/request_latencies\" AND $scope" "$1" "$2" \
    ALIGN_DELTA "REDUCE_PERCENTILE_$PERCENTILE" "$3" | jq -r '[.timeSeries[]?.points[]?.value.doubleValue // empty] | max // "none"') ||
    fail "cannot read Cloud Monitoring (the deployer needs roles/monitoring.viewer, see scripts/setup-wif.sh)"
  [[ $latency =~ ^(none|[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$ ]] || fail "unexpected latency from Cloud Monitoring: $latency"
  log "$4%: $total requests, $bad answered 5xx (share allowed: $MAX_5XX), p$PERCENTILE latency $latency ms (allowed: $MAX_LATENCY ms)"
  if awk -v b="$bad" -v t="$total" -v m="$MAX_5XX" 'BEGIN { exit !(b > t * m) }'; then
    log "5xx share $bad/$total is above $MAX_5XX: the new revision burns error budget at the fast-burn rate"
    return 1
  fi
  if [[ $latency != none ]] && awk -v l="$latency" -v m="$MAX_LATENCY" 'BEGIN { exit !(l > m) }'; then
    log "p$PERCENTILE latency $latency ms is above the $MAX_LATENCY ms objective"
    return 1
  fi
  return 0
}

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
  "${DEPLOY[@]}" deploy "$SERVICE" --image "$IMAGE" "${G[@]}" "${EXTRA[@]}"
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

"${DEPLOY[@]}" deploy "$SERVICE" --image "$IMAGE" --no-traffic --tag "$TAG" "${G[@]}" "${EXTRA[@]}"
url=$(gcloud run services describe "$SERVICE" "${G[@]}" --format='value(status.url)')
expect service-url "$url" '^https://[a-z0-9.-]+$'
# Cloud Run serves a tagged revision at https://TAG---HOST.
tag_url="https://$TAG---${url#https://}"

if [[ -n $MAX_5XX ]]; then
  command -v jq >/dev/null || fail "jq is needed to read Cloud Monitoring"
  NEW_REVISION=""
  while IFS=, read -r tag revision; do
    [[ $tag == "$TAG" ]] && NEW_REVISION=$revision
  done < <(gcloud run services describe "$SERVICE" "${G[@]}" --flatten=status.traffic \
    --format='csv[no-heading](status.traffic.tag,status.traffic.revisionName)')
  expect new-revision "$NEW_REVISION" '^[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?$'
  ACCESS_TOKEN=$(gcloud auth print-access-token)
fi

healthy "$tag_url$HEALTH_PATH" || fail "new revision unhealthy before taking traffic"
for step in "${STEP_LIST[@]}"; do
  percent=$((10#$step))
  if ((percent == 100)); then
    gcloud run services update-traffic "$SERVICE" "${G[@]}" --to-latest
  else
    gcloud run services update-traffic "$SERVICE" "${G[@]}" --to-tags "$TAG=$percent"
  fi
  # bash's clock (printf %(…)T), not $(date …): the window's start and end, in seconds and in UTC.
  printf -v started '%(%s)T' -1
  TZ=UTC0 printf -v start_time '%(%Y-%m-%dT%H:%M:%SZ)T' "$started"
  log "$percent% on the new revision; baking ${BAKE}s"
  sleep "$BAKE"
  printf -v ended '%(%s)T' -1
  TZ=UTC0 printf -v end_time '%(%Y-%m-%dT%H:%M:%SZ)T' "$ended"
  healthy "$tag_url$HEALTH_PATH" || fail "new revision unhealthy at $percent%"
  if [[ -n $MAX_5XX ]]; then
    # Cloud Monitoring shows a request up to 180 s after it was served; wait for the whole window.
    sleep "$METRICS_DELAY"
    judge_traffic "$start_time" "$end_time" "$((ended - started))" "$percent" ||
      fail "new revision's traffic broke its SLIs at $percent%"
  fi
done
healthy "$url$HEALTH_PATH" || fail "service unhealthy at 100%"
log "$SERVICE rolled out to 100%"
