/** Bounds and knobs a requirement may read; every one has a default in harness/config. */
export interface RunSettings {
  /** Seconds a Knative Service may take to become Ready. */
  readyTimeoutSeconds: number;
  /** Seconds a single HTTP request may take. */
  requestTimeoutSeconds: number;
  /**
   * Seconds the 95th percentile of cold starts (request sent at zero -> first response byte) may take
   * (SERVING.COLDSTART.P95). The default suits a cluster; a faster target can be held to a tighter bound.
   */
  coldStartP95Seconds: number;
  gateway: { namespace: string; name: string; portName: string };
}

/** What the runner hands every suite through vitest's provide/inject: the target's connection and the selection. */
export interface RunContext {
  kubeconfig: string;
  context: string | null;
  namespace: string;
  reportDir: string;
  /** The ids of the requirements selected for this run. */
  selected: string[];
  settings: RunSettings;
  /** The name of the run's lock on the target (target-lock.ts), held by `ctx.exclusive` and `ctx.lightLoad`. */
  targetLock: string;
  /** Long steps (loads) report progress on stderr: true on a terminal, false in CI. */
  showProgress: boolean;
}
