#!/usr/bin/env bash
# Prints the body for Paved's DORA event API (POST <portal>/api/dora/events):
# one deployment event plus one change event per commit the deployment
# delivers, so Paved can compute deployment frequency, change lead time,
# change fail rate and recovery time for this service.
#
# Environment (all required unless marked optional):
#   SERVICE        catalog entity ref, e.g. component:default/my-service
#   ENVIRONMENT    dev | staging | production
#   STATUS         success | failure
#   STARTED_AT     ISO-8601 UTC, when the deployment started
#   FINISHED_AT    ISO-8601 UTC, when it finished
#   COMMIT_SHA     the commit deployed
#   DEPLOYMENT_ID  unique per deployment (CI run id, attempt and environment)
#   PREVIOUS_SHA   optional: the commit running before; commits after it up
#                  to COMMIT_SHA are the ones this deployment delivers
#
# A commit with an `Assisted-by:` trailer (e.g. "Assisted-by: Claude") is
# sent as an AI-assisted change, so Paved can compare AI-assisted changes'
# lead time, change fail rate and rework with the others.
#
# The API takes at most 1000 events per request: a deployment delivers at
# most 999 commits here (the newest); older ones were long delivered.
set -euo pipefail

for var in SERVICE ENVIRONMENT STATUS STARTED_AT FINISHED_AT COMMIT_SHA DEPLOYMENT_ID; do
  if [ -z "${!var:-}" ]; then
    echo "dora-deployment-event: $var is not set" >&2
    exit 2
  fi
done
case "$STATUS" in success | failure) ;; *)
  echo "dora-deployment-event: STATUS must be success or failure, got $STATUS" >&2
  exit 2
  ;;
esac

range="$COMMIT_SHA"
if [ -n "${PREVIOUS_SHA:-}" ] && [ "$PREVIOUS_SHA" != "$COMMIT_SHA" ] &&
  git cat-file -e "${PREVIOUS_SHA}^{commit}" 2>/dev/null &&
  git merge-base --is-ancestor "$PREVIOUS_SHA" "$COMMIT_SHA"; then
  range="${PREVIOUS_SHA}..${COMMIT_SHA}"
fi

# "<sha>\t<author date>\t<Assisted-by trailers>" per delivered commit, newest first.
git log --max-count=999 --format='%H%x09%aI%x09%(trailers:key=Assisted-by,valueonly,separator=%x3B)' "$range" |
  jq --raw-input --slurp \
    --arg service "$SERVICE" --arg environment "$ENVIRONMENT" --arg status "$STATUS" \
    --arg startedAt "$STARTED_AT" --arg finishedAt "$FINISHED_AT" \
    --arg commitSha "$COMMIT_SHA" --arg id "$DEPLOYMENT_ID" '
    [split("\n")[] | select(length > 0) | split("\t")
      | {sha: .[0], authoredAt: .[1], ai: ((.[2] // "") | length > 0)}] as $commits
    | {events: (
        [{
          type: "deployment", id: $id, service: $service, environment: $environment,
          status: $status, startedAt: $startedAt, finishedAt: $finishedAt,
          commitSha: $commitSha, commits: [$commits[].sha]
        }]
        + [$commits[] | {type: "change", id: .sha, service: $service, sha: .sha, authoredAt: .authoredAt}
            + (if .ai then {aiAssisted: true} else {} end)]
      )}'
