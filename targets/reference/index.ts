/**
 * The reference platform's one public face: what the composition roots (cli/, bench/, e2e/) may use.
 * Everything else under targets/reference/ is its inside; the harness and the suites reach a running
 * reference only as they reach any cluster, through its kubeconfig and its ingress gateway.
 */
export { launchReference, REFERENCE_BINARIES, type LaunchOptions, type RunningReference } from './launch.ts';
export { MUTANTS, findMutant, parseMutant, type Mutant } from './mutants/offered.ts';
/** The pod annotation that opts a pod out of the kubelet's warm Node runtimes (its containers are spawned). */
export { WARM_RUNTIME_ANNOTATION } from './kubelet/kubelet.ts';
/** Where the kubelet keeps Node's compile cache for the programs it spawns. */
export { NODE_COMPILE_CACHE_DIR } from './kubelet/container-runner.ts';
