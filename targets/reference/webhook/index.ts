import { createWriteStream, type WriteStream } from 'node:fs';
import { isIP } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { issueCertificate, type Authority } from '../controlplane/pki.ts';
import { watchAutoscalerConfig } from './autoscaler-config.ts';
import { awaitWebhooksEffective, registerWebhooks } from './register.ts';
import { serveAdmission, type AdmissionLogEntry } from './server.ts';

export interface AdmissionWebhookOptions {
  /** Registers the webhook configurations and watches knative-serving/config-autoscaler. */
  kubeconfig: string;
  /** Issues the serving certificate; its certificate becomes the configurations' caBundle. */
  ca: Authority;
  /** Address to listen on and to register, e.g. 127.0.0.1. */
  host: string;
  /** Appends one JSON line per admission review (and per config-autoscaler change). */
  logFile?: string;
  /** Bound on waiting until the API server calls the webhooks (default 15 s). */
  timeoutMs?: number;
}

export interface AdmissionWebhook {
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves validation and defaulting for the Knative and Istio kinds over HTTPS, registers it with the API
 * server (URL clientConfig, failurePolicy Fail) and resolves once the API server calls it. Autoscaling
 * annotations are checked against config-autoscaler as last seen by a watch. `stop()` only closes the server
 * and the watch: the configurations go with the API server the reference throws away.
 */
export async function startAdmissionWebhook(opts: AdmissionWebhookOptions): Promise<AdmissionWebhook> {
  const ip = isIP(opts.host) !== 0;
  const cert = await issueCertificate(opts.ca, {
    commonName: 'gauntlet-reference-webhook',
    usage: 'server',
    ...(ip ? { ipAddresses: [opts.host] } : { dnsNames: [opts.host] }),
  });
  const logStream: WriteStream | undefined = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  const note = (message: string) => {
    if (logStream && !logStream.writableEnded) logStream.write(`${JSON.stringify({ time: new Date().toISOString(), message })}\n`);
  };
  const closeLog = async () => {
    if (logStream) await new Promise<void>((resolve) => logStream.end(resolve));
  };
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfig);
  const autoscaler = await watchAutoscalerConfig(kc, note).catch(async (e: unknown) => {
    await closeLog();
    throw e;
  });
  const server = await serveAdmission({
    host: opts.host,
    certPem: cert.certPem,
    keyPem: cert.keyPem,
    context: () => ({ autoscaler: autoscaler.current() }),
    ...(logStream ? { log: (entry: AdmissionLogEntry) => logStream.write(`${logLine(entry)}\n`) } : {}),
  }).catch(async (e: unknown) => {
    await autoscaler.stop();
    await closeLog();
    throw e;
  });
  const stop = async () => {
    await server.close();
    await autoscaler.stop();
    await closeLog();
  };
  try {
    await registerWebhooks(kc, server.url, opts.ca.certPem);
    await awaitWebhooksEffective(kc, opts.timeoutMs ?? 15_000);
    return { url: server.url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function logLine({ path, request, response }: AdmissionLogEntry): string {
  const patch = response.patch ? (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as unknown) : undefined;
  return JSON.stringify({
    time: new Date().toISOString(),
    path,
    uid: request.uid,
    operation: request.operation,
    kind: `${request.kind.kind}.${request.kind.group}/${request.kind.version}`,
    object: `${request.namespace ?? ''}/${request.name ?? ''}`,
    allowed: response.allowed,
    ...(response.status ? { message: response.status.message } : {}),
    ...(patch ? { patch } : {}),
  });
}
