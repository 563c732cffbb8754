#!/usr/bin/env python3
"""Validate the Fernhill demo organisation in this folder.

Checks that every entity file parses, that names are valid, that every
relation points to an existing entity, that `$text` definitions exist, that
every Component carries the Paved annotation contract and has its own TechDocs
(mkdocs.yml, docs/index.md, an architecture page and a runbook), and that catalog/all.yaml lists every entity file
exactly once.

Usage: python3 catalog/validate.py   (exits non-zero on any problem)
"""

import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
LOCATION_FILE = 'all.yaml'
NAME_RE = re.compile(r'^[a-z0-9]+(?:[-_.][a-z0-9]+)*$')
KINDS = {'Group', 'User', 'System', 'Domain', 'Component', 'API', 'Resource', 'Location'}
COMPONENT_TYPES = {'service', 'website', 'library'}
LIFECYCLES = {'production', 'experimental', 'deprecated'}
TEMPLATES = {'template:default/typescript-service', 'template:default/python-service'}
# Files that are not catalog entity files (API definitions, docs config).
NON_ENTITY_SUFFIXES = ('.openapi.yaml', '.asyncapi.yaml', 'mkdocs.yml')

problems = []


def problem(where, msg):
    problems.append(f'{where}: {msg}')


def rel(path):
    return os.path.relpath(path, HERE)


def entity_files():
    found = []
    for dirpath, dirnames, filenames in os.walk(HERE):
        dirnames[:] = [d for d in dirnames if d not in ('docs', 'site')]
        for f in filenames:
            if f.endswith(('.yaml', '.yml')) and not f.endswith(NON_ENTITY_SUFFIXES):
                found.append(os.path.join(dirpath, f))
    return sorted(found)


def load_entities():
    entities = []  # (file, entity)
    for path in entity_files():
        try:
            with open(path, encoding='utf-8') as fh:
                docs = list(yaml.safe_load_all(fh))
        except yaml.YAMLError as err:
            problem(rel(path), f'YAML does not parse: {err}')
            continue
        for i, doc in enumerate(docs):
            where = f'{rel(path)}#{i}'
            if doc is None:
                problem(where, 'empty YAML document')
                continue
            if not isinstance(doc, dict):
                problem(where, 'document is not a mapping')
                continue
            if doc.get('apiVersion') != 'backstage.io/v1alpha1':
                problem(where, f"apiVersion must be backstage.io/v1alpha1, got {doc.get('apiVersion')!r}")
            kind = doc.get('kind')
            if kind not in KINDS:
                problem(where, f'unknown or missing kind {kind!r}')
            name = (doc.get('metadata') or {}).get('name')
            if not isinstance(name, str):
                problem(where, 'metadata.name missing')
                continue
            if not NAME_RE.match(name) or len(name) > 63:
                problem(where, f'invalid metadata.name {name!r}')
            if not isinstance(doc.get('spec'), dict):
                problem(where, 'spec missing')
                doc['spec'] = {}
            entities.append((path, doc))
    return entities


def main():
    entities = load_entities()
    index = {}  # (kind_lower, name) -> file
    for path, e in entities:
        key = (e['kind'].lower(), e['metadata']['name'])
        if key in index:
            problem(rel(path), f'duplicate {e["kind"]} {key[1]!r} (also in {rel(index[key])})')
        index[key] = path

    def exists(kind, name):
        return (kind, name) in index

    def check_ref(where, field, ref, default_kind, allowed=None):
        if not isinstance(ref, str):
            problem(where, f'{field}: ref must be a string, got {ref!r}')
            return
        if ':' in ref:
            kind, name = ref.split(':', 1)
            kind = kind.lower()
        else:
            if default_kind is None:
                problem(where, f'{field}: ref {ref!r} needs a kind prefix')
                return
            kind, name = default_kind, ref
        if '/' in name:
            namespace, name = name.split('/', 1)
            if namespace != 'default':
                problem(where, f'{field}: ref {ref!r} uses namespace {namespace!r}')
        if allowed and kind not in allowed:
            problem(where, f'{field}: ref {ref!r} must be one of {sorted(allowed)}')
        if not exists(kind, name):
            problem(where, f'{field}: {kind}:{name} does not exist')

    def as_list(where, field, value):
        if value is None:
            return []
        if not isinstance(value, list):
            problem(where, f'{field} must be a list')
            return []
        return value

    for path, e in entities:
        kind, md, spec = e['kind'], e['metadata'], e['spec']
        where = f'{rel(path)} {kind}:{md["name"]}'
        if 'owner' in spec or kind in ('Component', 'API', 'Resource', 'System', 'Domain'):
            check_ref(where, 'spec.owner', spec.get('owner'), 'group', {'group', 'user'})
        if kind in ('Component', 'API', 'Resource'):
            if 'system' not in spec:
                problem(where, 'spec.system missing')
            else:
                check_ref(where, 'spec.system', spec['system'], 'system', {'system'})
            if not md.get('description'):
                problem(where, 'metadata.description missing')
        if kind == 'System':
            if not md.get('description'):
                problem(where, 'metadata.description missing')
            if 'domain' in spec:
                check_ref(where, 'spec.domain', spec['domain'], 'domain', {'domain'})
        for field in ('dependsOn', 'dependencyOf'):
            for ref in as_list(where, field, spec.get(field)):
                check_ref(where, f'spec.{field}', ref, None, {'component', 'resource'})
        for field in ('providesApis', 'consumesApis'):
            for ref in as_list(where, field, spec.get(field)):
                check_ref(where, f'spec.{field}', ref, 'api', {'api'})

        if kind == 'Group':
            if not spec.get('type'):
                problem(where, 'spec.type missing')
            profile = spec.get('profile') or {}
            if not profile.get('displayName') or not profile.get('email'):
                problem(where, 'spec.profile.displayName and email are required')
            # The entity header names an owner by metadata.title, the About
            # card by the profile's displayName: the same name in both.
            if e['metadata'].get('title') != profile.get('displayName'):
                problem(where, 'metadata.title must equal spec.profile.displayName')
            if 'children' not in spec:
                problem(where, 'spec.children missing (use [] for leaves)')
            for child in as_list(where, 'children', spec.get('children')):
                check_ref(where, 'spec.children', child, 'group', {'group'})
                child_path = index.get(('group', child))
                if child_path:
                    child_entity = next(x for p, x in entities if x['kind'] == 'Group' and x['metadata']['name'] == child)
                    if child_entity['spec'].get('parent') != md['name']:
                        problem(where, f'child {child!r} does not name {md["name"]!r} as its parent')
            if 'parent' in spec:
                check_ref(where, 'spec.parent', spec['parent'], 'group', {'group'})
                parent = next((x for p, x in entities if x['kind'] == 'Group' and x['metadata']['name'] == spec['parent']), None)
                if parent and md['name'] not in (parent['spec'].get('children') or []):
                    problem(where, f'parent {spec["parent"]!r} does not list this group as a child')
            elif spec.get('type') != 'organization':
                problem(where, 'only the organization root may have no parent')

        if kind == 'User':
            profile = spec.get('profile') or {}
            if not profile.get('displayName') or not profile.get('email'):
                problem(where, 'spec.profile.displayName and email are required')
            # The entity header names an owner by metadata.title, the About
            # card by the profile's displayName: the same name in both.
            if e['metadata'].get('title') != profile.get('displayName'):
                problem(where, 'metadata.title must equal spec.profile.displayName')
            member_of = as_list(where, 'memberOf', spec.get('memberOf'))
            if not member_of:
                problem(where, 'spec.memberOf is empty')
            for group in member_of:
                check_ref(where, 'spec.memberOf', group, 'group', {'group'})

        if kind == 'API':
            definition = spec.get('definition')
            if isinstance(definition, dict) and '$text' in definition:
                target = os.path.normpath(os.path.join(os.path.dirname(path), definition['$text']))
                if not os.path.isfile(target):
                    problem(where, f'$text file {definition["$text"]} does not exist')
                else:
                    try:
                        with open(target, encoding='utf-8') as fh:
                            doc = yaml.safe_load(fh)
                        if spec.get('type') == 'openapi' and not str(doc.get('openapi', '')).startswith('3.'):
                            problem(where, 'definition is not OpenAPI 3')
                        if spec.get('type') == 'asyncapi' and not str(doc.get('asyncapi', '')).startswith('2.'):
                            problem(where, 'definition is not AsyncAPI 2')
                    except yaml.YAMLError as err:
                        problem(where, f'definition does not parse: {err}')
            elif not isinstance(definition, str):
                problem(where, 'spec.definition missing')
            for field in ('type', 'lifecycle'):
                if not spec.get(field):
                    problem(where, f'spec.{field} missing')

        if kind == 'Resource' and not spec.get('type'):
            problem(where, 'spec.type missing')

        if kind == 'Component':
            check_component(path, where, e)

        if kind == 'Location':
            check_location(path, where, e, entities)

    # Every group with type team needs at least two members.
    members = {}
    for _, e in entities:
        if e['kind'] == 'User':
            for g in e['spec'].get('memberOf') or []:
                members.setdefault(g, []).append(e['metadata']['name'])
    for path, e in entities:
        if e['kind'] == 'Group' and e['spec'].get('type') == 'team':
            if len(members.get(e['metadata']['name'], [])) < 2:
                problem(rel(path), f'team {e["metadata"]["name"]!r} has fewer than 2 members')

    if problems:
        print(f'{len(problems)} problem(s) found:')
        for p in problems:
            print(f'  - {p}')
        return 1
    counts = {}
    for _, e in entities:
        counts[e['kind']] = counts.get(e['kind'], 0) + 1
    summary = ', '.join(f'{n} {k}' for k, n in sorted(counts.items()))
    print(f'OK: {len(entities)} entities ({summary}) in {len(entity_files())} files')
    return 0


def check_component(path, where, e):
    md, spec = e['metadata'], e['spec']
    name = md['name']
    ann = md.get('annotations') or {}
    if spec.get('type') not in COMPONENT_TYPES:
        problem(where, f'spec.type {spec.get("type")!r} not in {sorted(COMPONENT_TYPES)}')
    if spec.get('lifecycle') not in LIFECYCLES:
        problem(where, f'spec.lifecycle {spec.get("lifecycle")!r} not in {sorted(LIFECYCLES)}')
    expected = {
        'github.com/project-slug': f'fernhill/{name}',
        'paved.dev/dora-service': name,
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': spec.get('owner'),
        'paved.dev/cost-allocation': f'app={name}',
        'backstage.io/techdocs-ref': 'dir:.',
        'paved.dev/runbook': 'runbook',
    }
    if spec.get('type') == 'service':
        expected['prometheus.io/request-rate-query'] = (
            f'sum(rate(http_server_request_duration_seconds_count{{service="{name}"}}[5m]))')
    for key, value in expected.items():
        if ann.get(key) != value:
            problem(where, f'annotation {key} should be {value!r}, got {ann.get(key)!r}')
    if ann.get('backstage.io/source-template') not in TEMPLATES:
        problem(where, f'annotation backstage.io/source-template must be one of {sorted(TEMPLATES)}')
    version = ann.get('paved.dev/template-version')
    if not isinstance(version, str) or not re.match(r'^\d+\.\d+\.\d+$', version):
        problem(where, f'annotation paved.dev/template-version must be a quoted semver string, got {version!r}')
    for key, value in ann.items():
        if not isinstance(value, str):
            problem(where, f'annotation {key} is not a string')
    folder = os.path.dirname(path)
    if os.path.basename(path) != 'catalog-info.yaml' or os.path.basename(folder) != name:
        problem(where, f'component must live in components/{name}/catalog-info.yaml')
    if not os.path.isfile(os.path.join(folder, 'mkdocs.yml')):
        problem(where, 'mkdocs.yml missing next to catalog-info.yaml')
    if not os.path.isfile(os.path.join(folder, 'docs', 'index.md')):
        problem(where, 'docs/index.md missing')
    # Every component has real docs: an architecture page and the runbook
    # its paved.dev/runbook annotation names, both in the mkdocs nav.
    for page in ('architecture.md', 'runbook.md'):
        if not os.path.isfile(os.path.join(folder, 'docs', page)):
            problem(where, f'docs/{page} missing')
        elif os.path.isfile(os.path.join(folder, 'mkdocs.yml')):
            with open(os.path.join(folder, 'mkdocs.yml'), encoding='utf-8') as fh:
                if page not in fh.read():
                    problem(where, f'mkdocs.yml nav does not list {page}')


def check_location(path, where, e, entities):
    if os.path.basename(path) != LOCATION_FILE:
        return
    targets = e['spec'].get('targets') or []
    seen = set()
    for t in targets:
        full = os.path.normpath(os.path.join(os.path.dirname(path), t))
        if not os.path.isfile(full):
            problem(where, f'target {t} does not exist')
        if full in seen:
            problem(where, f'target {t} listed twice')
        seen.add(full)
    for f in entity_files():
        if os.path.abspath(f) != os.path.abspath(path) and f not in seen:
            problem(where, f'entity file {rel(f)} is not listed in spec.targets')


if __name__ == '__main__':
    sys.exit(main())
