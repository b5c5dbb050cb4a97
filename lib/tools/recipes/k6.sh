#!/usr/bin/env bash
# Builds k6 from the Go module proxy (xk6 and its extensions cannot be had here; none are needed).
# usage: k6.sh VERSION OUT_DIR   (VERSION like 1.8.1; the binary lands in OUT_DIR/bin/k6)
set -euo pipefail
version="$1"; out="$2"
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod
mkdir -p "$out/bin.partial"
echo "[k6] go install go.k6.io/k6@v$version (about 10 minutes and ~1 GB of Go caches the first time)"
GOBIN="$out/bin.partial" go install -trimpath -ldflags "-s -w" "go.k6.io/k6@v$version"
rm -rf "$out/bin"; mv "$out/bin.partial" "$out/bin"
echo "[k6] done: $out/bin"
