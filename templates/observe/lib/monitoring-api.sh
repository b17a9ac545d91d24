# shellcheck shell=bash
# The Cloud Monitoring and Cloud Logging calls of scripts/setup-observability.sh: one function per
# kind of resource, each creating it or updating it in place, found by its display name. That
# script sources this file (it is not run on its own); infra-migrate writes it as it ships, the
# same for every app, so it is checked once by infra-migrate's tests, not on each run.
#
# The functions read the sourcing script's globals: PROJECT_ID, REGION, API (the project's
# Monitoring API URL), TMP (a private folder), ACCESS_TOKEN (unset in a dry run), DRY_RUN, CHANNEL
# (the notification channel), CHANNEL_TOKEN and UPTIME_TOKEN (the placeholders an alert policy
# file holds for the channel and the uptime check's id), and call its run, exists and die functions.
# rest METHOD URL [BODY_FILE]: one Monitoring API call (SLOs have no gcloud command). Sets
# STATUS to the HTTP status and leaves the response in $TMP/response.json; never prints the token.
# (Answers come back through files in $TMP, here and below, rather than $(…): a subshell each.)
STATUS=""
rest() {
  local method=$1 url=$2 body=${3:-}
  if ((DRY_RUN)); then
    printf '+ curl -X %s %s%s\n' "$method" "$url" "${body:+ --data @$body}"
    STATUS=404
    return 0
  fi
  local args=(--silent --show-error --output "$TMP/response.json" --write-out '%{http_code}'
    -X "$method" -H @- -H 'Content-Type: application/json')
  if [[ -n $body ]]; then args+=(--data "@$body"); fi
  # The token reaches curl on stdin (-H @-), never on a command line other processes can read.
  curl "${args[@]}" "$url" <<<"Authorization: Bearer $ACCESS_TOKEN" >"$TMP/status"
  STATUS=""
  # --write-out ends without a newline: read stops at the end of the file.
  read -r STATUS <"$TMP/status" || true
}
# expect_ok WHAT: the last call succeeded, or stop with the API's message.
expect_ok() {
  ((DRY_RUN)) && return 0
  [[ $STATUS =~ ^2 ]] || die "$1 failed (HTTP $STATUS): $(head -c 600 "$TMP/response.json")"
}
# find_named LIST-COMMAND...: sets FOUND to the resource name of the one resource whose display
# name matches (empty when none does).
FOUND=""
find_named() {
  FOUND=""
  ((DRY_RUN)) && return 0
  "$@" --project "$PROJECT_ID" --format='value(name)' --limit=1 >"$TMP/found"
  read -r FOUND <"$TMP/found" || true
}
# channel_named DISPLAY_NAME: FOUND is the notification channel of that name.
channel_named() { find_named gcloud beta monitoring channels list --filter="displayName=\"$1\""; }
# log_metric NAME FILE
log_metric() {
  if exists gcloud logging metrics describe "$1" --project "$PROJECT_ID"; then
    run gcloud logging metrics update "$1" --project "$PROJECT_ID" --config-from-file="$2"
  else
    run gcloud logging metrics create "$1" --project "$PROJECT_ID" --config-from-file="$2"
  fi
}
# slo_service ID FILE, then slo SERVICE ID FILE
slo_service() {
  rest GET "$API/services/$1"
  if [[ $STATUS == 200 ]]; then
    rest PATCH "$API/services/$1?updateMask=displayName,userLabels" "$2"
  else
    rest POST "$API/services?serviceId=$1" "$2"
  fi
  expect_ok "service $1"
}
slo() {
  local base="$API/services/$1/serviceLevelObjectives"
  rest GET "$base/$2"
  if [[ $STATUS == 200 ]]; then
    rest PATCH "$base/$2?updateMask=displayName,goal,rollingPeriod,serviceLevelIndicator,userLabels" "$3"
  else
    rest POST "$base?serviceLevelObjectiveId=$2" "$3"
  fi
  expect_ok "SLO $2"
}
# uptime_named DISPLAY_NAME: FOUND is the uptime check of that name.
uptime_named() { find_named gcloud monitoring uptime list-configs --filter="displayName=\"$1\""; }
# uptime SERVICE DISPLAY_NAME PATH CLASSES: HTTPS check (CLASSES: the HTTP classes that pass) of the service's run.app URL from every region.
uptime() {
  local id host
  uptime_named "$2"
  id=$FOUND
  if [[ -n $id ]]; then
    run gcloud monitoring uptime update "${id##*/}" --project "$PROJECT_ID" --path="$3" --set-status-classes="$4" --period=1 --timeout=10
  else
    if ((DRY_RUN)); then
      host="$1-PROJECT_NUMBER.$REGION.run.app"
    else
      host=$(gcloud run services describe "$1" --region "$REGION" --project "$PROJECT_ID" --format='value(status.url)')
      host=${host#https://}
      [[ $host =~ ^[a-z0-9.-]+$ ]] || die "$1 is not deployed yet: deploy it, then rerun this script"
    fi
    run gcloud monitoring uptime create "$2" --project "$PROJECT_ID" --resource-type=uptime-url \
      --resource-labels="host=$host,project_id=$PROJECT_ID" --protocol=https --port=443 --path="$3" \
      --request-method=get --validate-ssl=true --status-classes="$4" --period=1 --timeout=10
  fi
}
# policy DISPLAY_NAME FILE [UPTIME_CHECK_DISPLAY_NAME]: the file with the channel (and uptime
# check id) filled in, created or updated by display name.
policy() {
  local check="" existing
  if [[ -n ${3:-} ]]; then
    uptime_named "$3"
    check=${FOUND##*/}
    ((DRY_RUN)) && check=${check:-DRY_RUN_CHECK_ID}
    [[ -n $check ]] || die "uptime check '$3' not found"
  fi
  # The tokens are replaced in bash, not by a sed per policy (the replacements quoted: taken literally).
  local text=""
  { IFS= read -r -d '' text || true; } <"$2"
  text=${text//"$CHANNEL_TOKEN"/"$CHANNEL"}
  printf '%s' "${text//"$UPTIME_TOKEN"/"$check"}" >"$TMP/policy-${2##*/}"
  find_named gcloud alpha monitoring policies list --filter="displayName=\"$1\""
  existing=$FOUND
  if [[ -n $existing ]]; then
    run gcloud alpha monitoring policies update "$existing" --project "$PROJECT_ID" --policy-from-file="$TMP/policy-${2##*/}"
  else
    run gcloud alpha monitoring policies create --project "$PROJECT_ID" --policy-from-file="$TMP/policy-${2##*/}"
  fi
}
# dashboard DISPLAY_NAME FILE: an update carries the current etag, so a concurrent edit is not lost silently.
dashboard() {
  local existing etag
  find_named gcloud monitoring dashboards list --filter="displayName=\"$1\""
  existing=$FOUND
  if [[ -n $existing ]]; then
    etag=$(gcloud monitoring dashboards describe "$existing" --project "$PROJECT_ID" --format='value(etag)')
    [[ $etag =~ ^[A-Za-z0-9_-]+$ ]] || die "no etag for dashboard $existing"
    local text=""
    { IFS= read -r -d '' text || true; } <"$2"
    [[ $text == "{"* ]] && text="{\"etag\": \"$etag\",${text#\{}"
    printf '%s' "$text" >"$TMP/dashboard-${2##*/}"
    run gcloud monitoring dashboards update "$existing" --project "$PROJECT_ID" --config-from-file="$TMP/dashboard-${2##*/}"
  else
    run gcloud monitoring dashboards create --project "$PROJECT_ID" --config-from-file="$2"
  fi
}
