#!/usr/bin/env bash
# Checks this change against the golden paths with Paved's guardrails
# (POST <portal>/api/assistant/validate): Kubernetes manifests, catalog-info.yaml,
# secrets written into files and CI workflows — the same check an AI assistant
# runs through Paved's MCP actions before it opens a pull request, so every
# pull request, human or AI, meets the same rules. The files the change adds
# or modifies are sent whole (text files up to 512 KiB, at most 200).
#
# Environment:
#   PAVED_URL    the portal, e.g. https://paved.fernhill.example
#   PAVED_TOKEN  a Paved external access token for CI
#   BASE_REF     what the change is compared with, e.g. origin/main
#
# Prints each finding as a GitHub annotation on its file and line, and exits
# 1 when there is any (2 when the check could not run).
set -euo pipefail

for var in PAVED_URL PAVED_TOKEN BASE_REF; do
  if [ -z "${!var:-}" ]; then
    echo "golden-path-check: $var is not set" >&2
    exit 2
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Added, copied, modified or renamed text files ("-" counts mark binaries).
git diff --numstat --diff-filter=ACMR "$BASE_REF...HEAD" |
  awk -F'\t' '$1 != "-" { print $3 }' | head -n 200 > "$work/paths"
if [ ! -s "$work/paths" ]; then
  echo "golden-path-check: no text file changed against $BASE_REF"
  exit 0
fi

: > "$work/files.jsonl"
while IFS= read -r path; do
  if [ "$(wc -c < "$path")" -gt 524288 ]; then
    echo "golden-path-check: $path is over 512 KiB, not checked"
    continue
  fi
  jq -n --arg path "$path" --rawfile content "$path" \
    '{path: $path, content: $content}' >> "$work/files.jsonl"
done < "$work/paths"
jq -s '{files: .}' "$work/files.jsonl" > "$work/body.json"

status=$(curl --silent --show-error --output "$work/answer.json" --write-out '%{http_code}' \
  -X POST "${PAVED_URL%/}/api/assistant/validate" \
  -H "Authorization: Bearer $PAVED_TOKEN" \
  -H 'Content-Type: application/json' \
  --data-binary "@$work/body.json") || status=000
if [ "$status" != 200 ]; then
  echo "golden-path-check: the portal answered $status: $(cat "$work/answer.json" 2> /dev/null)" >&2
  exit 2
fi

jq -r '.findings[] |
  "::error file=\(.file)\(if .line then ",line=\(.line)" else "" end),title=golden path (\(.check))::\(.message)"' \
  "$work/answer.json"
if [ "$(jq -r '.passed' "$work/answer.json")" = true ]; then
  echo "golden-path-check: $(wc -l < "$work/paths" | tr -d ' ') files meet the golden paths"
  exit 0
fi
echo "golden-path-check: $(jq '.findings | length' "$work/answer.json") findings — fix them before merging" >&2
exit 1
