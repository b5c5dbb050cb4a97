/**
 * gauntlet/queue-proxy: Knative Serving's queue-proxy for the reference, run by the process kubelet as the
 * `queue-proxy` container of every revision pod (fixtures/workloads/images.yaml). Dependency-free (`node:`
 * modules only). Environment and behaviour: README.md.
 */
import { ConfigError, configFromEnv } from './config.ts';
import { startQueueProxy } from './queue-proxy.ts';

if (import.meta.main) {
  const log = (line: string) => console.log(`queue-proxy: ${line}`);
  let config;
  try {
    config = configFromEnv(process.env);
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(1);
  }
  const qp = await startQueueProxy(config, { log });
  log(
    `${config.namespace}/${config.revision} pod ${config.pod}: serving on ${qp.serving.address}:${qp.serving.port}, ` +
      `metrics on ${qp.metrics.address}:${qp.metrics.port}, user container ${config.bindAddress}:${config.userPort}, ` +
      `containerConcurrency ${config.containerConcurrency}, timeout ${config.revisionTimeoutSeconds} s`,
  );
  // Node's compile cache (NODE_COMPILE_CACHE: the reference kubelet names one for Node programs) is written at
  // exit; write it once up, off the cold start's path, so that the next pod starts from it however this one ends.
  setTimeout(() => process.getBuiltinModule('node:module').flushCompileCache(), 1000).unref();
  const stop = (signal: string) => {
    log(`${signal}: draining`);
    void qp.drain().then(() => {
      log('drained, exiting');
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
