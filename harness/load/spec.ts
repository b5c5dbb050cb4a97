import { z } from 'zod';

const seconds = z.number().positive().max(3600);
const vus = z.int().positive().max(10_000);

/** k6 executors Gauntlet drives; open-model (arrival-rate) executors first, so a slow target cannot hide latency. */
export const ExecutorSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('constant-arrival-rate'),
    /** Iterations (requests) per second. */
    rate: z.int().positive().max(100_000),
    durationSeconds: seconds,
    preAllocatedVUs: vus.optional(),
    maxVUs: vus.optional(),
  }),
  z.strictObject({
    type: z.literal('ramping-arrival-rate'),
    startRate: z.int().nonnegative().max(100_000),
    stages: z.array(z.strictObject({ target: z.int().nonnegative().max(100_000), durationSeconds: seconds })).min(1),
    preAllocatedVUs: vus.optional(),
    maxVUs: vus.optional(),
  }),
  z.strictObject({ type: z.literal('constant-vus'), vus, durationSeconds: seconds }),
  z.strictObject({ type: z.literal('per-vu-iterations'), vus, iterations: z.int().positive().max(1_000_000), maxDurationSeconds: seconds }),
]);
export type Executor = z.infer<typeof ExecutorSchema>;

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name');

export const LoadSpecSchema = z.strictObject({
  /** A name for the load, used in file names of its raw output. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  /** Where requests go: an http:// URL (the gateway's address, or a pod's). */
  url: z.url({ protocol: /^http$/ }),
  /** The Host header, when it differs from the URL's host (a Knative Service's host through the gateway). */
  host: z.string().min(1).optional(),
  /**
   * An HTTP proxy k6 sends every request through (absolute-form), e.g. a mesh sidecar's outbound listener.
   * Without it k6 uses none, whatever the environment says.
   */
  proxy: z.url({ protocol: /^http$/ }).optional(),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH']).default('GET'),
  headers: z.record(headerName, z.string()).default({}),
  body: z.string().optional(),
  executor: ExecutorSchema,
  /** Tags on every request (k6 tags), e.g. the requirement id. */
  tags: z.record(z.string().min(1), z.string()).default({}),
  /** Response headers whose values are counted, e.g. the revision that answered. */
  countHeaders: z.array(headerName).max(8).default([]),
  /** k6 thresholds, as data: metric name -> expressions, e.g. { http_req_failed: ['rate<0.01'] }. */
  thresholds: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  /** A fresh connection for every request (true), or keep-alive connections per VU (false). */
  freshConnections: z.boolean().default(false),
  requestTimeoutSeconds: seconds.default(30),
  /** Attach k6's web dashboard export (HTML) to the output folder. */
  dashboard: z.boolean().default(false),
});

export type LoadSpec = z.input<typeof LoadSpecSchema>;
export type ResolvedLoadSpec = z.output<typeof LoadSpecSchema>;

/** The longest the load can run, for bounding the k6 process. */
export function plannedSeconds(e: Executor): number {
  switch (e.type) {
    case 'constant-arrival-rate':
    case 'constant-vus':
      return e.durationSeconds;
    case 'ramping-arrival-rate':
      return e.stages.reduce((s, x) => s + x.durationSeconds, 0);
    case 'per-vu-iterations':
      return e.maxDurationSeconds;
  }
}

/** Requests the load intends to send, when the executor says (arrival-rate executors). */
export function plannedRequests(e: Executor): number | undefined {
  switch (e.type) {
    case 'constant-arrival-rate':
      return e.rate * e.durationSeconds;
    case 'ramping-arrival-rate': {
      let rate = e.startRate;
      let total = 0;
      for (const s of e.stages) {
        total += ((rate + s.target) / 2) * s.durationSeconds;
        rate = s.target;
      }
      return Math.round(total);
    }
    case 'per-vu-iterations':
      return e.vus * e.iterations;
    case 'constant-vus':
      return undefined;
  }
}
