#!/bin/sh
# The reference's istio-proxy container: waits for the configuration the mesh control plane writes for this
# pod, then becomes the pod's Envoy (exec: the kubelet's signals and parent-death signal reach Envoy itself).
# The pod spec's args (Istio's `proxy sidecar ...`) are accepted and ignored.
# Environment: GAUNTLET_MESH_DIR and GAUNTLET_ENVOY from the kubelet; POD_NAME and POD_NAMESPACE from the
# injected container's env (downward API).
set -eu
: "${GAUNTLET_MESH_DIR:?the kubelet gives mesh sidecars GAUNTLET_MESH_DIR}"
: "${GAUNTLET_ENVOY:?the kubelet gives mesh sidecars GAUNTLET_ENVOY}"
: "${POD_NAME:?the injected istio-proxy container sets POD_NAME}"
: "${POD_NAMESPACE:?the injected istio-proxy container sets POD_NAMESPACE}"
dir="$GAUNTLET_MESH_DIR/proxies/$POD_NAMESPACE/$POD_NAME"
ready="$dir/bootstrap.json"
waited=0
# The bootstrap is written last, once the pod's discovery files and certificates are in place.
while [ ! -f "$ready" ]; do
  if [ "$waited" -ge 1200 ]; then
    echo "istio-proxy: no configuration at $ready after 60 s: is the reference's mesh control plane running?" >&2
    exit 1
  fi
  sleep 0.05
  waited=$((waited + 1))
done
exec "$GAUNTLET_ENVOY" -c "$ready" --concurrency 1 --disable-hot-restart --drain-time-s 2 --log-level warning
