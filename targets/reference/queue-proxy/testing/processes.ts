import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Test helper: programs of a pod as the process kubelet runs them, each a child process with a clean environment. */
export const PROBE_MAIN = fileURLToPath(new URL('../../../../fixtures/workloads/probe/main.ts', import.meta.url));
export const QUEUE_PROXY_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  /** Everything it has printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once its output matches `pattern`; fails after `timeoutMs` or if it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with its exit code (or signal name) once it has exited; fails after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `node <script>` with the host's PATH, HOME, LANG, HOSTNAME = `pod`, then `env`: what the kubelet gives a container. */
export function startChild(script: string, pod: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: process.env.LANG ?? 'C.UTF-8', HOSTNAME: pod, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    text += b.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const bounded = <T>(p: Promise<T>, ms: number, what: string) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms; output:\n${text}`)), ms)))])
      .finally(() => clearTimeout(timer));
  };
  return {
    process: child,
    output: () => text,
    waitFor(pattern, timeoutMs = 10_000) {
      const seen = new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exit.then((code) => reject(new Error(`exited (${code}) before printing ${pattern}; output:\n${text}`)));
      });
      return bounded(seen, timeoutMs, `no ${pattern}`);
    },
    exited: (timeoutMs = 10_000) => bounded(exit, timeoutMs, 'did not exit'),
    kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** A revision pod's two containers' environments, as the revision reconciler and the kubelet would set them. */
export function podEnv(o: { ip: string; pod: string; containerConcurrency: number; timeoutSeconds: number; userPort?: number; startupDelayMs?: number }) {
  const userPort = String(o.userPort ?? 8080);
  return {
    user: {
      PORT: userPort, K_SERVICE: 'hello', K_CONFIGURATION: 'hello', K_REVISION: 'hello-00001', POD_NAME: o.pod,
      ...(o.startupDelayMs !== undefined ? { STARTUP_DELAY_MS: String(o.startupDelayMs) } : {}),
      HOST: o.ip,
    },
    queue: {
      SERVING_NAMESPACE: 'ns', SERVING_SERVICE: 'hello', SERVING_CONFIGURATION: 'hello', SERVING_REVISION: 'hello-00001',
      SERVING_POD: o.pod, USER_PORT: userPort, QUEUE_SERVING_PORT: '8012', QUEUE_METRICS_PORT: '9090',
      CONTAINER_CONCURRENCY: String(o.containerConcurrency), REVISION_TIMEOUT_SECONDS: String(o.timeoutSeconds),
      QUEUE_BIND_ADDRESS: o.ip,
    },
  };
}
