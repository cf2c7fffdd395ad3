#!/usr/bin/env bash
# Builds the test suites' OpenTelemetry Collector (main.go: the OTLP receiver and the file exporter)
# from Go modules and prints the path of the binary.
#
#   bash hack/otelcol/build.sh          build when not cached, print the binary's path
#   bash hack/otelcol/build.sh --where  print the path only if it is built (exit 1 if not)
#
# Cached like the control plane (hack/cluster/build.sh): under
# ${XDG_CACHE_HOME:-~/.cache}/mcpfleet/otelcol/<collector version>-<hash of go.mod, go.sum and
# main.go>/, so a change to the module builds into a fresh directory and only the first build pays
# (about two minutes on 2 cores). Progress goes to stderr; stdout is the path and nothing else.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

log() { printf '[otelcol-build] %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin /usr/lib/go/bin; do
    if [ -x "$candidate/go" ]; then PATH="$candidate:$PATH"; break; fi
  done
fi
command -v go >/dev/null 2>&1 || { log "go is not installed"; exit 3; }

version="$(cd "$here" && go list -m -f '{{.Version}}' go.opentelemetry.io/collector/otelcol)"
modules_hash="$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-12)"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/mcpfleet/otelcol"
binary="$cache_root/${version}-${modules_hash}/otelcol"

if [ "${1:-}" = "--where" ]; then
  [ -x "$binary" ] || { log "not built yet: run bash hack/otelcol/build.sh"; exit 1; }
  echo "$binary"
  exit 0
fi

mkdir -p "$cache_root"
# One build at a time per cache: a second caller waits for the first and then finds it cached.
exec 9>"$cache_root/.build.lock"
flock 9
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi

log "building the OpenTelemetry Collector $version into $(dirname "$binary") (first build only)"
started=$(date +%s)
mkdir -p "$(dirname "$binary")"
(cd "$here" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--p=2}" go build -mod=readonly -trimpath -ldflags "-s -w -X main.version=${version#v}" -o "$binary.partial" .)
mv "$binary.partial" "$binary"
log "built in $(( $(date +%s) - started ))s"
echo "$binary"
