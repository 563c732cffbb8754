#!/usr/bin/env python3
"""Checks a rendered golden-path repository against the golden-path rules.

    python3 templates/scripts/check-rendered.py <template-dir> <rendered-dir> <answers.json>

The same rules the portal's goldenpath:validate action enforces, plus the
consistency of everything this repository's templates promise:

- nothing left unrendered (only GitHub Actions expressions in workflows);
- catalog-info.yaml: Component, owner, system, lifecycle, type and every
  annotation of the Paved contract with the right value; template name and
  version equal to the template's label, annotation and step value;
- .paved/answers.yaml records the template, version and answers;
- every Kubernetes overlay renders (kubectl kustomize) and its Deployment has
  the labels (same kubernetes-id on the Deployment and its pod template),
  requests and limits, probes, a hardened security context and a pinned
  image; Service, HPA, PDB, ServiceMonitor, PrometheusRule, ExternalSecret
  (Vault path secret/data/<name>/<env>) are there; production runs >= 2;
- no Secret objects and nothing that looks like a secret value;
- the workflow deploys each environment with kubectl apply -k using OIDC
  (id-token: write) and posts each deployment to /api/dora/events;
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

import yaml

ENVIRONMENTS = ("dev", "staging", "production")
GITHUB_CONTEXTS = ("github", "vars", "secrets", "steps", "env", "needs", "matrix", "inputs", "runner", "job", "strategy")
SECRET_PATTERNS = [
    (re.compile(r"AKIA[0-9A-Z]{16}"), "an AWS access key id"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"), "a GitHub token"),
    (re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"(?i)\b(password|passwd|secret|token|api[_-]?key)\s*[:=]\s*['\"][^'\"$<{]{8,}['\"]"), "a hard-coded credential"),
]

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
        "backstage.io/source-template": f"template:default/{template['name']}",
        "paved.dev/template": template["name"],
        "paved.dev/template-version": template["version"],
    }
    for key, value in expected.items():
        if ann.get(key) != value:
            problem(where, f"annotation {key} should be {value!r}, got {ann.get(key)!r}")
    for key, value in ann.items():
        if not isinstance(value, str):
            problem(where, f"annotation {key} is not a string")

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


def check_kubernetes(root, answers):
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
        if dep["metadata"]["labels"].get("backstage.io/kubernetes-id") != pod["metadata"]["labels"].get(
            "backstage.io/kubernetes-id"
        ):
            problem(dwhere, "backstage.io/kubernetes-id differs between the Deployment and its pod template")
        pod_sc = pod["spec"].get("securityContext") or {}
        replicas = dep["spec"].get("replicas", 1)
        hpa = (by_kind.get("HorizontalPodAutoscaler") or [{}])[0].get("spec", {})
        if env == "production" and (replicas < 2 or hpa.get("minReplicas", 1) < 2):
            problem(dwhere, f"production needs >= 2 replicas (replicas {replicas}, HPA min {hpa.get('minReplicas')})")
        for container in pod["spec"]["containers"]:
            cwhere = f"{dwhere} container {container['name']}"
            image = container.get("image", "")
            tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
            if not tag or tag == "latest":
                problem(cwhere, f"image {image!r} must be pinned to a tag other than latest")
            res = container.get("resources") or {}
            for part in ("requests", "limits"):
                for unit in ("cpu", "memory"):
                    if unit not in (res.get(part) or {}):
                        problem(cwhere, f"resources.{part}.{unit} missing")
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    problem(cwhere, f"{probe} missing")
            sc = container.get("securityContext") or {}
            if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
                problem(cwhere, "runAsNonRoot must be true")
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
        load_yaml(path)  # parses
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


def check_secrets(root):
    for rel, text in text_files(root):
        if rel.endswith("package-lock.json"):
            continue
        for pattern, what in SECRET_PATTERNS:
            if pattern.search(text):
                problem(rel, f"looks like it contains {what}")


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


def template_facts(template_dir):
    entity = load_yaml(os.path.join(template_dir, "template.yaml"))
    md = entity["metadata"]
    versions = {
        "label": (md.get("labels") or {}).get("paved.dev/template-version"),
        "annotation": (md.get("annotations") or {}).get("paved.dev/template-version"),
        "fetch:template value": entity["spec"]["steps"][0]["input"]["values"].get("templateVersion"),
    }
    if len(set(versions.values())) != 1 or not re.match(r"^\d+\.\d+\.\d+$", str(versions["label"])):
        problem("template.yaml", f"template version label, annotation and step value must be one semver: {versions}")
    if entity["spec"].get("owner") != "group:default/platform" or entity["spec"].get("type") != "service":
        problem("template.yaml", "spec.owner must be group:default/platform and spec.type service")
    steps = [(s["id"], s["action"]) for s in entity["spec"]["steps"]]
    want = [("fetch", "fetch:template"), ("validate", "goldenpath:validate"), ("publish", "goldenpath:publish"), ("register", "goldenpath:register")]
    if steps != want:
        problem("template.yaml", f"steps should be {want}, got {steps}")
    return {"name": md["name"], "version": versions["label"]}


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: check-rendered.py <template-dir> <rendered-dir> <answers.json>")
    template_dir, root, answers_path = sys.argv[1:]
    answers = json.load(open(answers_path, encoding="utf-8"))
    template = template_facts(template_dir)
    check_unrendered(root)
    check_catalog(root, template, answers)
    check_kubernetes(root, answers)
    check_workflows(root)
    check_secrets(root)
    check_terraform(root, answers)
    check_dashboard(root, answers["name"])
    for line in problems:
        print(f"  FAIL {line}")
    print(f"check-rendered: {len(problems)} problem(s) in {root}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
