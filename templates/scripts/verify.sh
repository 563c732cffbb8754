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

# The files every golden path generates live once, in shared/skeleton, and
# each template renders them after its own skeleton. fetch:template never
# replaces a file, so a path in both would silently keep the stack's copy:
# the two sets must stay apart.
check_skeletons_apart() {
  local rc=0 template f
  for template in typescript-service python-service; do
    while read -r f; do
      if [ -e "$templates/$template/skeleton/$f" ]; then
        echo "in both shared/skeleton and $template/skeleton: $f"
        rc=1
      fi
    done < <(cd "$templates/shared/skeleton" && find . -type f | sed 's#^\./##' | sort)
  done
  echo "$(cd "$templates/shared/skeleton" && find . -type f | wc -l) shared files checked"
  return $rc
}
# Every Template entity in templates/ (outside the skeletons) is a target of all.yaml.
check_all_yaml() {
  python3 - "$templates" << 'EOF'
import os, sys, yaml
root = sys.argv[1]
found = set()
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = [d for d in dirnames if d not in ("skeleton", "scripts")]
    for name in filenames:
        path = os.path.join(dirpath, name)
        if name.endswith(".yaml") and (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("kind") == "Template":
            found.add("./" + os.path.relpath(path, root))
listed = set(yaml.safe_load(open(os.path.join(root, "all.yaml"), encoding="utf-8"))["spec"]["targets"])
print("templates:", sorted(found), "all.yaml:", sorted(listed))
sys.exit(0 if found == listed else 1)
EOF
}
# The rules can fail: a render with a probe removed, a token planted and a
# contract annotation dropped must be rejected, by the guardrails
# (goldenpath:validate's TypeScript) and by the template's own checks.
check_catches_broken_render() { # <template> <rendered-dir> <answers.json>
  local broken="$out/broken-$1"
  rm -rf "$broken" && cp -a "$2" "$broken"
  python3 - "$broken" << 'EOF'
import sys
root = sys.argv[1]
def edit(path, old, new):
    text = open(f"{root}/{path}", encoding="utf-8").read()
    assert old in text, f"{path} has no {old!r}"
    open(f"{root}/{path}", "w", encoding="utf-8").write(text.replace(old, new, 1))
edit("k8s/base/deployment.yaml", "readinessProbe:", "startupProbeCopy:")
edit("catalog-info.yaml", "paved.dev/dora-service:", "paved.dev/dora-service-typo:")
# Assembled here so that this script itself holds no token-shaped string.
open(f"{root}/docs/notes.md", "w", encoding="utf-8").write("token " + "ghp_" + "x" * 36 + "\n")
EOF
  local report rc
  report=$(python3 "$here/check-rendered.py" "$templates/$1.yaml" "$broken" "$3")
  rc=$?
  echo "$report"
  [ $rc -eq 1 ] &&
    grep -q "guardrails: goldenpath:validate kubernetes: k8s/base/deployment.yaml:.*has no readinessProbe" <<< "$report" &&
    grep -q "kubectl kustomize): goldenpath:validate kubernetes: production.yaml:.*has no readinessProbe" <<< "$report" &&
    grep -q "guardrails: goldenpath:validate secrets: docs/notes.md:1: contains a plaintext secret (GitHub token)" <<< "$report" &&
    grep -q "catalog-info.yaml: annotation paved.dev/dora-service should be" <<< "$report"
}

echo "golden paths: $templates"
step "shared skeleton and stack skeletons share no file" check_skeletons_apart
step "templates/all.yaml lists every template" check_all_yaml

if command -v yamllint > /dev/null; then
  step "yamllint the template files and all.yaml" bash -c "cd '$templates' && yamllint --strict \
    -c shared/skeleton/.yamllint.yaml *.yaml */template.yaml"
else
  skip "yamllint the template files and all.yaml (not installed)"
fi

for template in typescript-service python-service; do
  for answers in full minimal edge; do
    dir="$out/$template-$answers"
    echo "== $template ($answers answers) -> $dir"
    step "$template/$answers: render with the scaffolder (dry run)" \
      node "$here/render-skeleton.mjs" "$templates/$template.yaml" "$dir" "$out/answers/$answers.json"
    if [ ! -f "$dir/catalog-info.yaml" ]; then
      continue
    fi
    step "$template/$answers: golden-path rules (check-rendered.py)" \
      python3 "$here/check-rendered.py" "$templates/$template.yaml" "$dir" "$out/answers/$answers.json"
    if [ "$answers" = full ]; then
      step "$template/$answers: check-rendered.py rejects a broken render" \
        check_catches_broken_render "$template" "$dir" "$out/answers/$answers.json"
    fi
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
    step "$template/$answers: golden-path check script vs the portal's guardrails" bash -c \
      "cd '$templates/..' && node --require @backstage/cli/config/nodeTransform.cjs '$here/check-golden-path-check.cjs' '$dir'"
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
