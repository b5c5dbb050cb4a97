import { QUEUE_ENV, QUEUE_METRICS_PORT, QUEUE_SERVING_PORT } from '../serving/dataplane.ts';

/** The variable through which the process kubelet gives the queue-proxy its pod IP (`bindAddressEnv` of fixtures/workloads/images.yaml). */
export const BIND_ADDRESS_ENV = 'QUEUE_BIND_ADDRESS';

/** Knative's default revision timeout (config-defaults `revision-timeout-seconds`). */
export const DEFAULT_REVISION_TIMEOUT_SECONDS = 300;

/** The queue-proxy's settings, read from its environment as Knative's queue-proxy reads them (subset). */
export interface QueueConfig {
  /** The pod IP: both listeners bind it, and the user container is reached on it. */
  bindAddress: string;
  servingPort: number;
  metricsPort: number;
  userPort: number;
  /** At most this many requests in flight to the user container; 0 = unlimited. */
  containerConcurrency: number;
  /** From a request's arrival (queueing included) to the end of its response; may be fractional. */
  revisionTimeoutSeconds: number;
  namespace: string;
  service: string;
  configuration: string;
  revision: string;
  pod: string;
}

export class ConfigError extends Error {}

/** Reads the environment; throws a ConfigError naming every bad or missing variable. */
export function configFromEnv(env: NodeJS.ProcessEnv): QueueConfig {
  const problems: string[] = [];
  const str = (name: string, fallback = '') => env[name]?.trim() || fallback;
  const int = (name: string, fallback: number | undefined, min: number, max: number): number => {
    const raw = str(name);
    if (raw === '') {
      if (fallback === undefined) problems.push(`${name} is required`);
      return fallback ?? 0;
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name} must be an integer in ${min}..${max}, not ${JSON.stringify(raw)}`);
    return n;
  };

  const timeoutRaw = str(QUEUE_ENV.revisionTimeoutSeconds);
  const revisionTimeoutSeconds = timeoutRaw === '' ? DEFAULT_REVISION_TIMEOUT_SECONDS : Number(timeoutRaw);
  if (!Number.isFinite(revisionTimeoutSeconds) || revisionTimeoutSeconds <= 0) {
    problems.push(`${QUEUE_ENV.revisionTimeoutSeconds} must be a positive number of seconds, not ${JSON.stringify(timeoutRaw)}`);
  }

  const config: QueueConfig = {
    bindAddress: str(BIND_ADDRESS_ENV, '127.0.0.1'),
    servingPort: int(QUEUE_ENV.queueServingPort, QUEUE_SERVING_PORT, 0, 65535),
    metricsPort: int(QUEUE_ENV.metricsPort, QUEUE_METRICS_PORT, 0, 65535),
    userPort: int(QUEUE_ENV.userPort, undefined, 1, 65535),
    containerConcurrency: int(QUEUE_ENV.containerConcurrency, 0, 0, 1_000_000),
    revisionTimeoutSeconds,
    namespace: str(QUEUE_ENV.servingNamespace),
    service: str(QUEUE_ENV.servingService),
    configuration: str(QUEUE_ENV.servingConfiguration),
    revision: str(QUEUE_ENV.servingRevision),
    pod: str(QUEUE_ENV.servingPod, str('HOSTNAME')),
  };
  if (problems.length > 0) throw new ConfigError(`queue-proxy: bad environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return config;
}
