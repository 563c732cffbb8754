#!/usr/bin/env python3
"""Checks a rendered golden-path repository against the golden-path rules.

    python3 templates/scripts/check-rendered.py <template-file> <rendered-dir> <answers.json>

One rulebook: the guardrails the portal's goldenpath:validate action enforces
(Kubernetes workloads, catalog-info.yaml, plaintext secrets, DORA reporting
in CI) are not written again here. They run from their TypeScript source
(plugins/golden-path-node/src/guardrails, through its
cli.ts) over the rendered repository, and their Kubernetes rules also over
what kubectl kustomize renders for every overlay.

This script keeps only what those guardrails cannot see, because it depends
on this repository's templates or on the form's answers:

- the template file: one version in label, annotation and step values, the
  owner and type, the steps (own skeleton, shared skeleton, the actions);
- nothing left unrendered (only GitHub Actions expressions in workflows);
- catalog-info.yaml: Component, name, description, owner, system, lifecycle,
  type and every annotation of the Paved contract with the value the answers
  call for; template name and version equal to the template's; the
  runbook page paved.dev/runbook names exists in docs/ and in the mkdocs nav;
- .paved/answers.yaml records the template, version and answers;
- every overlay renders, in the owning team's namespace, with one of each
  object the path promises (Deployment, Service, HPA, PDB, ServiceMonitor,
  PrometheusRule, ExternalSecret with the Vault paths secret/data/<name>/<env>,
  ServiceAccount, generated ConfigMap) and no Secret; the Deployment's labels
  carry the service name, its containers are hardened (read-only root, no
  privilege escalation, drop ALL), read the ConfigMap and, with a bucket, its
  name; production runs >= 2;
- the workflow deploys each environment with kubectl apply -k using OIDC
  (id-token: write) and posts each deployment to /api/dora/events with the
  portal's URL and token, also on failure; no long-lived AWS keys;
- Terraform: the tfvars of every environment carry the form's choices and a
  remote state backend file exists;
- the Grafana dashboard is valid JSON covering the four golden signals.

Prints one line per failed rule and exits 1 if any failed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ENVIRONMENTS = ("dev", "staging", "production")
GITHUB_CONTEXTS = ("github", "vars", "secrets", "steps", "env", "needs", "matrix", "inputs", "runner", "job", "strategy")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUARDRAILS_CLI = os.path.join(REPO, "plugins", "golden-path-node", "src", "guardrails", "cli.ts")

problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def load_yaml(path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def text_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", ".git", "site", "__pycache__")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                with open(path, encoding="utf-8") as fh:
                    yield os.path.relpath(path, root), fh.read()
            except UnicodeDecodeError:
                continue


def check_unrendered(root):
    for rel, text in text_files(root):
        if "{%" in text or "%}" in text:
            problem(rel, "contains a Nunjucks block tag ({% or %}) that was not rendered")
        expressions = re.findall(r"\$\{\{\s*([^}]*?)\s*\}\}", text)
        if rel.startswith(".github/workflows/"):
            for expr in expressions:
                head = re.split(r"[.\s(\[]", expr, maxsplit=1)[0]
                if head not in GITHUB_CONTEXTS and not re.match(r"^(always|success|failure|cancelled)\(", expr):
                    problem(rel, f"unexpected expression ${{{{ {expr} }}}} (not a GitHub Actions context)")
        elif "${{" in text:
            problem(rel, "contains an unrendered ${{ expression")


def check_catalog(root, template, answers):
    name = answers["name"]
    owner_name = answers["owner"].split("/")[-1]
    entity = load_yaml(os.path.join(root, "catalog-info.yaml"))
    md, spec = entity.get("metadata", {}), entity.get("spec", {})
    where = "catalog-info.yaml"
    if entity.get("apiVersion") != "backstage.io/v1alpha1" or entity.get("kind") != "Component":
        problem(where, "must be a backstage.io/v1alpha1 Component")
    if md.get("name") != name:
        problem(where, f"metadata.name should be {name!r}")
    if md.get("description") != answers["description"]:
        problem(where, f"metadata.description should be the form's description, got {md.get('description')!r}")
    for key, value in {
        "type": "service",
        "lifecycle": "experimental",
        "owner": answers["owner"],
        "system": answers["system"],
    }.items():
        if spec.get(key) != value:
            problem(where, f"spec.{key} should be {value!r}, got {spec.get(key)!r}")
    ann = md.get("annotations") or {}
    expected = {
        "github.com/project-slug": f"fernhill/{name}",
        "paved.dev/dora-service": name,
        "backstage.io/kubernetes-id": name,
        "backstage.io/kubernetes-label-selector": f"app.kubernetes.io/name={name}",
        "backstage.io/kubernetes-namespace": owner_name,
        "paved.dev/cost-allocation": f"app={name}",
        "prometheus.io/request-rate-query": f'sum(rate(http_server_request_duration_seconds_count{{service="{name}"}}[5m]))',
        "backstage.io/techdocs-ref": "dir:.",
        "paved.dev/runbook": "runbook",
        "backstage.io/source-template": f"template:default/{template['name']}",
        "paved.dev/template": template["name"],
        "paved.dev/template-version": template["version"],
    }
    for key, value in expected.items():
        if ann.get(key) != value:
            problem(where, f"annotation {key} should be {value!r}, got {ann.get(key)!r}")
    # The runbook the annotation names is a page of the generated TechDocs, in the nav.
    runbook = ann.get("paved.dev/runbook")
    if isinstance(runbook, str) and not runbook.startswith("https://"):
        page = f"{runbook}.md"
        if not os.path.isfile(os.path.join(root, "docs", page)):
            problem(where, f"annotation paved.dev/runbook names docs/{page}, which does not exist")
        nav = json.dumps((load_yaml(os.path.join(root, "mkdocs.yml")) or {}).get("nav"))
        if f'"{page}"' not in nav:
            problem("mkdocs.yml", f"nav does not list {page}, the page paved.dev/runbook names")

    answers_file = load_yaml(os.path.join(root, ".paved", "answers.yaml"))
    where = ".paved/answers.yaml"
    if answers_file.get("template") != f"template:default/{template['name']}":
        problem(where, "template should be the template's entity ref")
    if answers_file.get("templateVersion") != template["version"]:
        problem(where, f"templateVersion should be {template['version']!r}")
    recorded = answers_file.get("answers") or {}
    for key in ("name", "description", "owner", "system"):
        if recorded.get(key) != answers[key]:
            problem(where, f"answers.{key} should be {answers[key]!r}, got {recorded.get(key)!r}")
    resources = answers.get("resources") or {}
    for key in ("database", "bucket"):
        if (recorded.get("resources") or {}).get(key) is not bool(resources.get(key)):
            problem(where, f"answers.resources.{key} should be {bool(resources.get(key))}")


def labels_ok(where, labels, name):
    for key in ("app.kubernetes.io/name", "backstage.io/kubernetes-id", "app"):
        if (labels or {}).get(key) != name:
            problem(where, f"label {key} should be {name!r}, got {(labels or {}).get(key)!r}")


def check_kubernetes(root, answers, kustomized):
    """The rendered overlays; `kustomized` is the directory their output is written to, for the guardrails."""
    name = answers["name"]
    owner_name = answers["owner"].split("/")[-1]
    resources = answers.get("resources") or {}
    if not shutil.which("kubectl"):
        problem("k8s", "kubectl is not installed: overlays not rendered")
        return
    for env in ENVIRONMENTS:
        where = f"k8s/overlays/{env}"
        run = subprocess.run(
            ["kubectl", "kustomize", os.path.join(root, "k8s", "overlays", env)], capture_output=True, text=True
        )
        if run.returncode != 0:
            problem(where, f"kubectl kustomize failed: {run.stderr.strip()}")
            continue
        with open(os.path.join(kustomized, f"{env}.yaml"), "w", encoding="utf-8") as fh:
            fh.write(run.stdout)
        docs = [d for d in yaml.safe_load_all(run.stdout) if d]
        by_kind = {}
        for doc in docs:
            by_kind.setdefault(doc["kind"], []).append(doc)
            if doc["metadata"].get("namespace") != owner_name:
                problem(where, f"{doc['kind']} {doc['metadata']['name']} is not in namespace {owner_name!r}")
        for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor",
                     "PrometheusRule", "ExternalSecret", "ServiceAccount", "ConfigMap"):
            if len(by_kind.get(kind, [])) != 1:
                problem(where, f"expected one {kind}, found {len(by_kind.get(kind, []))}")
        if "Secret" in by_kind:
            problem(where, "renders a Secret object: secrets must come from Vault via ExternalSecret")
        if len(by_kind.get("Deployment", [])) != 1:
            continue

        dep = by_kind["Deployment"][0]
        dwhere = f"{where} Deployment"
        labels_ok(dwhere, dep["metadata"].get("labels"), name)
        pod = dep["spec"]["template"]
        labels_ok(f"{dwhere} pod template", pod["metadata"].get("labels"), name)
        replicas = dep["spec"].get("replicas", 1)
        hpa = (by_kind.get("HorizontalPodAutoscaler") or [{}])[0].get("spec", {})
        if env == "production" and (replicas < 2 or hpa.get("minReplicas", 1) < 2):
            problem(dwhere, f"production needs >= 2 replicas (replicas {replicas}, HPA min {hpa.get('minReplicas')})")
        for container in pod["spec"]["containers"]:
            cwhere = f"{dwhere} container {container['name']}"
            sc = container.get("securityContext") or {}
            if sc.get("readOnlyRootFilesystem") is not True:
                problem(cwhere, "readOnlyRootFilesystem must be true")
            if sc.get("allowPrivilegeEscalation") is not False:
                problem(cwhere, "allowPrivilegeEscalation must be false")
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                problem(cwhere, "capabilities must drop ALL")
            env_from = [e.get("configMapRef", {}).get("name") for e in container.get("envFrom", [])]
            config_map = by_kind["ConfigMap"][0]["metadata"]["name"] if by_kind.get("ConfigMap") else None
            if config_map not in env_from:
                problem(cwhere, f"envFrom does not reference the generated ConfigMap {config_map!r}")
            if resources.get("bucket"):
                data = by_kind["ConfigMap"][0].get("data", {})
                if data.get("BUCKET_NAME") != f"fernhill-{name}-{env}":
                    problem(where, f"ConfigMap BUCKET_NAME should be fernhill-{name}-{env}")

        es = by_kind["ExternalSecret"][0]
        if es["apiVersion"] != "external-secrets.io/v1beta1":
            problem(where, "ExternalSecret must be external-secrets.io/v1beta1")
        if (es["spec"].get("secretStoreRef") or {}).get("kind") != "SecretStore":
            problem(where, "ExternalSecret must reference a SecretStore")
        keys = [d.get("extract", {}).get("key") for d in es["spec"].get("dataFrom", [])]
        keys += [d.get("remoteRef", {}).get("key") for d in es["spec"].get("data", [])]
        want = [f"secret/data/{name}/{env}"] + ([f"secret/data/{name}/{env}/postgres"] if resources.get("database") else [])
        if keys != want:
            problem(where, f"ExternalSecret Vault keys should be {want}, got {keys}")
        svc = by_kind["Service"][0]
        if svc["metadata"]["name"] != name:
            problem(where, "the Service must be named after the service (it becomes the metrics' service label)")


def check_workflows(root):
    workflows = os.path.join(root, ".github", "workflows")
    texts = {}
    for name in sorted(os.listdir(workflows)):
        path = os.path.join(workflows, name)
        texts[name] = open(path, encoding="utf-8").read()
    ci = load_yaml(os.path.join(workflows, "ci.yml"))
    jobs = ci.get("jobs", {})
    for env in ENVIRONMENTS:
        job = jobs.get(f"deploy-{env}")
        where = f"ci.yml deploy-{env}"
        if not job:
            problem("ci.yml", f"no deploy-{env} job")
            continue
        if job.get("environment") != env:
            problem(where, f"must run in the GitHub environment {env!r}")
        if (job.get("permissions") or {}).get("id-token") != "write":
            problem(where, "needs permissions id-token: write (OIDC)")
        steps = job.get("steps", [])
        script = "\n".join(str(s.get("run", "")) for s in steps)
        uses = [s.get("uses", "") for s in steps]
        if not any(u.startswith("aws-actions/configure-aws-credentials") for u in uses):
            problem(where, "gets no OIDC cloud credentials")
        if "kubectl apply -k" not in script or job.get("env", {}).get("DEPLOY_ENV") != env:
            problem(where, f"must kubectl apply -k k8s/overlays/{env}")
        report = [s for s in steps if "/api/dora/events" in str(s.get("run", ""))]
        if not report:
            problem(where, "does not post the deployment to /api/dora/events")
        else:
            step = report[0]
            if "always()" not in str(step.get("if", "")):
                problem(where, "the DORA report must also run when the deployment failed")
            env_vars = step.get("env", {})
            if "secrets.PAVED_DORA_TOKEN" not in str(env_vars.get("PAVED_DORA_TOKEN")) or "vars.PAVED_URL" not in str(
                env_vars.get("PAVED_URL")
            ):
                problem(where, "the DORA report must use vars.PAVED_URL and secrets.PAVED_DORA_TOKEN")
            if "Authorization: Bearer" not in step["run"]:
                problem(where, "the DORA report must send the bearer token")
    for name, text in texts.items():
        if re.search(r"aws-secret-access-key|AWS_SECRET_ACCESS_KEY", text):
            problem(f".github/workflows/{name}", "uses long-lived AWS keys")


def run_guardrails(directory, where, checks=None):
    """The goldenpath:validate guardrails (TypeScript) over a directory; each finding is a problem."""
    command = ["node", "--require", "@backstage/cli/config/nodeTransform.cjs", GUARDRAILS_CLI, directory]
    if checks:
        command += ["--check", ",".join(checks)]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    lines = run.stdout.splitlines()
    if run.returncode not in (0, 1) or not lines or not lines[-1].startswith("golden-path guardrails"):
        problem(where, f"the guardrails did not run (exit {run.returncode}): {(run.stderr or run.stdout).strip()}")
        return
    for line in lines[:-1]:
        problem(where, f"goldenpath:validate {line}")


def check_terraform(root, answers):
    resources = answers.get("resources") or {}
    for env in ENVIRONMENTS:
        tfvars = os.path.join(root, "infra", "environments", f"{env}.tfvars")
        backend = os.path.join(root, "infra", "environments", f"{env}.s3.tfbackend")
        if not os.path.isfile(backend):
            problem(f"infra/environments/{env}.s3.tfbackend", "missing (remote state)")
        try:
            text = open(tfvars, encoding="utf-8").read()
        except FileNotFoundError:
            problem(f"infra/environments/{env}.tfvars", "missing")
            continue
        for key in ("database", "bucket"):
            want = "true" if resources.get(key) else "false"
            if not re.search(rf"^{key}\s*=\s*{want}\s*$", text, re.M):
                problem(f"infra/environments/{env}.tfvars", f"{key} should be {want}")
        if not re.search(rf'^environment\s*=\s*"{env}"', text, re.M):
            problem(f"infra/environments/{env}.tfvars", f'environment should be "{env}"')
    main = "".join(open(os.path.join(root, "infra", f), encoding="utf-8").read() for f in os.listdir(os.path.join(root, "infra")) if f.endswith(".tf"))
    if 'backend "s3"' not in main:
        problem("infra", "no remote state backend")
    if "count = var.database ? 1 : 0" not in re.sub(r"\s+", " ", main) or "count = var.bucket ? 1 : 0" not in re.sub(r"\s+", " ", main):
        problem("infra", "the database and bucket must be conditional on the form's choices")


def check_dashboard(root, name):
    path = os.path.join(root, "observability", "grafana-dashboard.json")
    try:
        dash = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as error:
        problem("observability/grafana-dashboard.json", f"not valid JSON: {error}")
        return
    if dash.get("uid") != name:
        problem("observability/grafana-dashboard.json", f"uid should be {name!r} (the catalog links to /d/{name})")
    titles = " ".join(p.get("title", "") for p in dash.get("panels", [])).lower()
    for signal in ("rate", "error", "duration", "saturation"):
        if signal not in titles:
            problem("observability/grafana-dashboard.json", f"no panel for {signal}")


def template_facts(template_file):
    where = os.path.basename(template_file)
    entity = load_yaml(template_file)
    md = entity["metadata"]
    steps = entity["spec"]["steps"]
    versions = {
        "label": (md.get("labels") or {}).get("paved.dev/template-version"),
        "annotation": (md.get("annotations") or {}).get("paved.dev/template-version"),
        "fetch:template value": steps[0]["input"]["values"].get("templateVersion"),
    }
    if len(set(versions.values())) != 1 or not re.match(r"^\d+\.\d+\.\d+$", str(versions["label"])):
        problem(where, f"template version label, annotation and step value must be one semver: {versions}")
    if entity["spec"].get("owner") != "group:default/platform" or entity["spec"].get("type") != "service":
        problem(where, "spec.owner must be group:default/platform and spec.type service")
    found = [(s["id"], s["action"], (s.get("input") or {}).get("url")) for s in steps]
    want = [
        ("fetch", "fetch:template", f"./{md['name']}/skeleton"),
        ("fetch-shared", "fetch:template", "./shared/skeleton"),
        ("validate", "goldenpath:validate", None),
        ("publish", "goldenpath:publish", None),
        ("register", "goldenpath:register", None),
    ]
    if found != want:
        problem(where, f"steps should be {want}, got {found}")
    elif steps[0]["input"]["values"] != steps[1]["input"]["values"]:
        problem(where, "both fetch:template steps must render with the same values")
    return {"name": md["name"], "version": versions["label"]}


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: check-rendered.py <template-file> <rendered-dir> <answers.json>")
    template_file, root, answers_path = sys.argv[1:]
    answers = json.load(open(answers_path, encoding="utf-8"))
    template = template_facts(template_file)
    check_unrendered(root)
    check_catalog(root, template, answers)
    run_guardrails(root, "guardrails")
    with tempfile.TemporaryDirectory(prefix="check-rendered-") as kustomized:
        check_kubernetes(root, answers, kustomized)
        run_guardrails(kustomized, "k8s/overlays (kubectl kustomize)", ["kubernetes"])
    check_workflows(root)
    check_terraform(root, answers)
    check_dashboard(root, answers["name"])
    for line in problems:
        print(f"  FAIL {line}")
    print(f"check-rendered: {len(problems)} problem(s) in {root}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
