#!/usr/bin/env bash
# Regenerates the TypeScript skeleton's package-lock.json from its
# package.json: renders the template into a scratch directory outside the
# repository, runs `npm install` there, and copies the lockfile back with the
# package name turned into the template expression again.
#
#   templates/scripts/update-lockfile.sh            # after editing skeleton/package.json
#
# Needs Node.js 24 and npm, and the npm registry.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
templates=$(cd "$here/.." && pwd)
skeleton="$templates/typescript-service/skeleton"
scratch=$(mktemp -d /tmp/golden-path-lock.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

node "$here/render-skeleton.mjs" "$templates/typescript-service.yaml" "$scratch/out" > /dev/null
rm -f "$scratch/out/package-lock.json"
(cd "$scratch/out" && npm install --ignore-scripts --no-audit --no-fund > /dev/null)
node -e '
  const fs = require("node:fs");
  const [from, to] = process.argv.slice(1);
  const lock = JSON.parse(fs.readFileSync(from, "utf8"));
  lock.name = "${{ values.name }}";
  lock.packages[""].name = "${{ values.name }}";
  fs.writeFileSync(to, JSON.stringify(lock, null, 2) + "\n");
' "$scratch/out/package-lock.json" "$skeleton/package-lock.json"
echo "updated $skeleton/package-lock.json ($(grep -c '"node_modules/' "$skeleton/package-lock.json") packages)"
