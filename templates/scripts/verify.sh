#!/usr/bin/env bash
# Verifies every golden-path template end to end, outside the portal:
# renders each template with Backstage's own scaffolder code (three answer
# sets: all optional resources; none; a 40-character name, a description
# full of quotes and braces, and a database only), then checks the generated
# repository the way its own CI and the portal would.
#
#   templates/scripts/verify.sh              # everything
#   SKIP_SERVICE_TESTS=1 templates/scripts/verify.sh   # no npm ci / unit tests
#
# Needs: Node.js 24 with the workspace's node_modules (yarn install), python3
# with PyYAML, kubectl, mkdocs + mkdocs-material + pymdownx, git, jq, and the
# npm registry for the TypeScript service's `npm ci`. yamllint, terraform and
# shellcheck are used when installed and reported as skipped otherwise.
# Output goes to /tmp/golden-path-verify (override with OUT=...).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
templates=$(cd "$here/.." && pwd)
out=${OUT:-/tmp/golden-path-verify}
rm -rf "$out" && mkdir -p "$out/answers"
passed=0
failed=0
skipped=0

step() { # step <title> <command...>
  local title=$1
  shift
  local log="$out/logs/$(echo "$title" | tr -c 'a-zA-Z0-9\n' '-').log"
  mkdir -p "$out/logs"
  local start=$SECONDS
  if "$@" > "$log" 2>&1; then
    passed=$((passed + 1))
    printf '  PASS %-70s %3ss\n' "$title" $((SECONDS - start))
  else
    failed=$((failed + 1))
    printf '  FAIL %-70s %3ss  (log: %s)\n' "$title" $((SECONDS - start)) "$log"
    tail -n 30 "$log" | sed 's/^/       | /'
  fi
}
skip() {
  skipped=$((skipped + 1))
  printf '  SKIP %s\n' "$1"
}

cat > "$out/answers/full.json" << 'EOF'
{
  "name": "parcel-tracker",
  "description": "Tracks parcels & vans: \"where is my order?\" <answers> for customers.",
  "owner": "group:default/logistics-routing",
  "system": "system:default/fulfilment",
  "resources": { "database": true, "bucket": true }
}
EOF
cat > "$out/answers/minimal.json" << 'EOF'
{
  "name": "ab",
  "description": "The shortest name, no optional resources.",
  "owner": "group:default/checkout",
  "system": "system:default/checkout-and-payments"
}
EOF

cat > "$out/answers/edge.json" << 'EOF'
{
  "name": "edge-case-service-with-a-forty-char-name",
  "description": "Edge \"case\" with \\ backslash, 'quotes', {{ braces }}, a: colon # and \"quote at the end\"",
  "owner": "group:default/data-platform",
  "system": "system:default/data-platform",
  "resources": { "database": true, "bucket": false }
}
EOF

# Files that must stay identical in both skeletons (the stacks differ only
# in code, build, Dockerfile and docs).
shared_files() {
  (cd "$templates/typescript-service/skeleton" && find infra k8s/overlays scripts .paved .yamllint.yaml .github/CODEOWNERS -type f | sort)
}
check_shared() {
  local rc=0
  while read -r f; do
    if ! cmp -s "$templates/typescript-service/skeleton/$f" "$templates/python-service/skeleton/$f"; then
      echo "differs: $f"
      rc=1
    fi
  done < <(shared_files)
  echo "$(shared_files | wc -l) shared files compared"
  return $rc
}

echo "golden paths: $templates"
step "shared skeleton files identical in both templates" check_shared
step "templates/all.yaml lists every template.yaml" bash -c "
  cd '$templates' && diff <(find . -name template.yaml -not -path '*/skeleton/*' | sed 's#^\./#./#' | sort) \
    <(python3 -c 'import yaml,sys; print(\"\n\".join(sorted(yaml.safe_load(open(\"all.yaml\"))[\"spec\"][\"targets\"])))')"

if command -v yamllint > /dev/null; then
  step "yamllint template.yaml and all.yaml" bash -c "cd '$templates' && yamllint --strict \
    -c typescript-service/skeleton/.yamllint.yaml all.yaml */template.yaml"
else
  skip "yamllint template.yaml and all.yaml (not installed)"
fi

for template in typescript-service python-service; do
  for answers in full minimal edge; do
    dir="$out/$template-$answers"
    echo "== $template ($answers answers) -> $dir"
    step "$template/$answers: render with the scaffolder (dry run)" \
      node "$here/render-skeleton.mjs" "$templates/$template" "$dir" "$out/answers/$answers.json"
    if [ ! -f "$dir/catalog-info.yaml" ]; then
      continue
    fi
    step "$template/$answers: golden-path rules (check-rendered.py)" \
      python3 "$here/check-rendered.py" "$templates/$template" "$dir" "$out/answers/$answers.json"
    for env in dev staging production; do
      step "$template/$answers: kubectl kustomize k8s/overlays/$env" kubectl kustomize "$dir/k8s/overlays/$env"
    done
    if command -v yamllint > /dev/null; then
      step "$template/$answers: yamllint -c .yamllint.yaml ." bash -c "cd '$dir' && yamllint --strict -c .yamllint.yaml ."
    else
      skip "$template/$answers: yamllint (not installed)"
    fi
    step "$template/$answers: mkdocs build --strict" bash -c "cd '$dir' && mkdocs build --strict -q -d '$out/site-$template-$answers'"
    if command -v terraform > /dev/null; then
      step "$template/$answers: terraform fmt -check -recursive infra" terraform -chdir="$dir/infra" fmt -check -recursive -diff
    else
      skip "$template/$answers: terraform fmt (not installed)"
    fi
    if command -v shellcheck > /dev/null; then
      step "$template/$answers: shellcheck scripts/*.sh" bash -c "shellcheck '$dir'/scripts/*.sh"
    else
      skip "$template/$answers: shellcheck (not installed)"
    fi
    step "$template/$answers: DORA event script vs the API's parser" node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON \
      --disable-warning=ExperimentalWarning "$here/check-dora-event.mjs" "$dir"
    step "$template/$answers: observability JSON parses" python3 -m json.tool "$dir/observability/grafana-dashboard.json"

    if [ -n "${SKIP_SERVICE_TESTS:-}" ]; then
      skip "$template/$answers: service tests (SKIP_SERVICE_TESTS)"
      continue
    fi
    case $template in
      typescript-service)
        step "$template/$answers: npm ci && npm test && npm run build" bash -c "cd '$dir' && npm ci --no-audit --no-fund && npm test && npm run build"
        ;;
      python-service)
        step "$template/$answers: python3 -m unittest" bash -c "cd '$dir' && python3 -m unittest discover -s tests -t . -v"
        ;;
    esac
  done
done

echo "golden-path verify: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
