#!/usr/bin/env bash
# Builds etcd from the Go module proxy through a wrapper module (etcd's go.mod has relative replaces too).
# usage: etcd.sh VERSION OUT_DIR   (VERSION like 3.6.16; the binary lands in OUT_DIR/bin/etcd)
set -euo pipefail
version="$1"; out="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/gauntlet-build-etcd.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local
cd "$work"
printf 'module gauntlet.local/etcd-build\ngo 1.24\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$version" > go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
echo "[etcd] go mod tidy"
go mod tidy
mkdir -p "$out/bin.partial"
echo "[etcd] go build (about a minute cold)"
go build -trimpath -ldflags "-s -w" -o "$out/bin.partial/etcd" go.etcd.io/etcd/server/v3
rm -rf "$out/bin"; mv "$out/bin.partial" "$out/bin"
echo "[etcd] done: $out/bin"
