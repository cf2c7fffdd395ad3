#!/bin/sh
# Runs `node <args>` on a Node.js >= 22.19, for every npm script: a new shell may still have the
# system's older Node first on PATH (where .ts entry points fail with ERR_UNKNOWN_FILE_EXTENSION).
# When the node on PATH is older, it re-execs with the Node that hack/node24.sh provides (cached
# after the first fetch from the npm registry), with that Node first on PATH for child
# processes; when none can be had, it stops with one line naming the set-up command.
here=$(dirname "$0")
recent='const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
if command -v node >/dev/null 2>&1 && node -e "$recent" >/dev/null 2>&1; then
  exec node "$@"
fi
if bin=$(bash "$here/node24.sh" 2>/dev/null) && [ -x "$bin/node" ] && "$bin/node" -e "$recent" >/dev/null 2>&1; then
  PATH="$bin:$PATH"
  export PATH
  exec "$bin/node" "$@"
fi
echo "mcpfleet needs Node.js >= 22.19 (found $(node --version 2>/dev/null || echo none)); set up with: export PATH=\"\$(bash hack/node24.sh):\$PATH\" && npm ci" >&2
exit 1
