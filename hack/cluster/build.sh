#!/usr/bin/env bash
# Builds the real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler)
# and KWOK's kwok controller from Go modules, and prints the directory that holds the binaries.
#
#   bash hack/cluster/build.sh          build when not cached, print the bin directory
#   bash hack/cluster/build.sh --where  print the bin directory only if it is complete (exit 1 if not)
#
# The versions live in the wrapper modules' go.mod files (hack/cluster/modules/*/go.mod); the
# cache directory is keyed by those versions and a hash of both go.mod/go.sum pairs, so a change to
# either module builds into a fresh directory and the first build is the only one that pays.
# Progress goes to stderr; stdout is the bin directory and nothing else.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
k8s_module="$here/modules/kubernetes"
kwok_module="$here/modules/kwok"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf '[cluster-build] %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin /usr/lib/go/bin; do
    if [ -x "$candidate/go" ]; then PATH="$candidate:$PATH"; break; fi
  done
fi
command -v go >/dev/null 2>&1 || { log "go is not installed"; exit 3; }

module_version() { (cd "$1" && go list -m -f '{{.Version}}' "$2"); }
k8s_version="$(module_version "$k8s_module" k8s.io/kubernetes)"
kwok_version="$(module_version "$kwok_module" sigs.k8s.io/kwok)"
modules_hash="$(cat "$k8s_module/go.mod" "$k8s_module/go.sum" "$k8s_module/etcd/main.go" \
  "$kwok_module/go.mod" "$kwok_module/go.sum" | sha256sum | cut -c1-12)"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/mcpfleet/cluster"
bin_dir="$cache_root/${k8s_version}-kwok-${kwok_version}-${modules_hash}/bin"

complete() {
  for b in "${binaries[@]}"; do [ -x "$bin_dir/$b" ] || return 1; done
}

# kwok's stages (how fake Nodes and Pods move through their lifecycle) from the same kwok release:
# Nodes go Ready and keep a heartbeat Lease; scheduled Pods go Running/Ready and are removed on delete.
kwok_stages() {
  local src
  src="$(cd "$kwok_module" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  [ -d "$src" ] || (cd "$kwok_module" && go mod download sigs.k8s.io/kwok)
  for f in "$src"/node/fast/node-initialize.yaml "$src"/node/heartbeat-with-lease/*.yaml "$src"/pod/fast/*.yaml; do
    echo '---'
    cat "$f"
  done
}
ensure_stages() {
  [ -s "$bin_dir/kwok-stages.yaml" ] && return 0
  kwok_stages > "$bin_dir/kwok-stages.yaml.tmp" && mv "$bin_dir/kwok-stages.yaml.tmp" "$bin_dir/kwok-stages.yaml"
}

if [ "${1:-}" = "--where" ]; then
  { complete && [ -s "$bin_dir/kwok-stages.yaml" ]; } || { log "not built yet: run bash hack/cluster/build.sh"; exit 1; }
  echo "$bin_dir"
  exit 0
fi

mkdir -p "$cache_root"
# One build at a time per cache: a second caller waits for the first and then finds it cached.
exec 9>"$cache_root/.build.lock"
flock 9
if complete; then ensure_stages; echo "$bin_dir"; exit 0; fi

staging="$bin_dir.partial"
rm -rf "$staging"
mkdir -p "$staging"
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--p=2}"
started=$(date +%s)

# Upstream's hack/lib/version.sh sets these on both component-base and client-go; tools parse
# `--version`. The commit is not known from a module download, and upstream then omits
# gitCommit and gitTreeState too. buildDate is the release's publication time, so the build is
# reproducible.
k8s_release_time="$(cd "$k8s_module" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)"
minor="${k8s_version#v*.}"; minor="${minor%%.*}"
major="${k8s_version#v}"; major="${major%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.buildDate=$k8s_release_time"
done

log "building kubernetes $k8s_version control plane into $bin_dir (first build only; several minutes on 2 cores)"
(cd "$k8s_module" && go build -trimpath -ldflags "$ldflags" -o "$staging/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)
(cd "$k8s_module" && go build -trimpath -ldflags "-s -w" -o "$staging/etcd" ./etcd)
log "building kwok $kwok_version"
(cd "$kwok_module" && go build -trimpath \
  -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${kwok_version#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${k8s_version#v}" \
  -o "$staging/kwok" sigs.k8s.io/kwok/cmd/kwok)

rm -rf "$bin_dir"
mv "$staging" "$bin_dir"
ensure_stages
log "built in $(( $(date +%s) - started ))s"
echo "$bin_dir"
