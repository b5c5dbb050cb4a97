#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kubectl of one Kubernetes release from the Go module proxy.
# k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces the staging modules with ./staging/...
# So a wrapper module requires it and maps each staging module to its published v0.x twin.
# usage: kubernetes.sh VERSION OUT_DIR   (VERSION like 1.34.4; binaries land in OUT_DIR/bin)
set -euo pipefail
version="$1"; out="$2"
minor="${version#*.}"; minor="${minor%%.*}"
staging="0.${version#*.}"
work="$(mktemp -d "${TMPDIR:-/tmp}/gauntlet-build-kubernetes.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local

echo "[kubernetes] resolving k8s.io/kubernetes v$version"
gomod="$(go mod download -json "k8s.io/kubernetes@v$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[ -f "$gomod" ] || { echo "[kubernetes] could not download k8s.io/kubernetes v$version" >&2; exit 1; }
mapfile -t modules < <(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$gomod")
echo "[kubernetes] ${#modules[@]} staging modules mapped to v$staging"

cd "$work"
{
  echo "module gauntlet.local/kubernetes-build"
  echo "go 1.24"
  echo "require k8s.io/kubernetes v$version"
  echo "replace ("
  for m in "${modules[@]}"; do echo "  $m => $m v$staging"; done
  echo ")"
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
echo "[kubernetes] go mod tidy (downloads modules; minutes on a cold cache)"
go mod tidy
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$version -X k8s.io/component-base/version.gitMajor=1"
ldflags="$ldflags -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitVersion=v$version"
mkdir -p "$out/bin.partial"
for cmd in kube-apiserver kube-controller-manager kubectl; do
  echo "[kubernetes] go build $cmd (the first about 13 minutes cold on 2 cores, the others 2-3 more each)"
  go build -trimpath -ldflags "$ldflags" -o "$out/bin.partial/$cmd" "k8s.io/kubernetes/cmd/$cmd"
done
rm -rf "$out/bin"; mv "$out/bin.partial" "$out/bin"
echo "[kubernetes] done: $out/bin"
