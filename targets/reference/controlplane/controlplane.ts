import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAuthority, issueCertificate, type Authority } from './pki.ts';
import { freePort, waitForHttp } from '../../../lib/net.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { startProcess, type ManagedProcess } from '../../../lib/process/spawn.ts';

export const NODE_NAME = 'gauntlet-node';
const HOST = '127.0.0.1';

export interface ControlPlaneOptions {
  stateDir: string;
  logDir: string;
  binaries: { etcd: string; 'kube-apiserver': string; 'kube-controller-manager': string };
  progress: (step: string) => void;
}

/** Identities with their kubeconfigs; `admin` is the one handed to users. */
export interface ControlPlane {
  server: string;
  ca: Authority;
  kubeconfigs: { admin: string; controllers: string; node: string };
  versions: Record<string, string>;
  stop(): Promise<void>;
}

interface Identity {
  user: string;
  groups: string[];
  token: string;
}

function identity(user: string, groups: string[]): Identity {
  return { user, groups, token: randomBytes(24).toString('hex') };
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const pki = join(opts.stateDir, 'pki');
  mkdirSync(pki, { recursive: true });
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    // The state is thrown away with the temp dir: no graceful shutdown is owed, and the API server takes
    // seconds to drain on SIGTERM.
    await Promise.all(processes.reverse().map((p) => p.stop(0)));
  };
  try {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(HOST), await freePort(HOST), await freePort(HOST)];
    const ca = await createAuthority('gauntlet-reference-ca');
    const serving = await issueCertificate(ca, {
      commonName: 'kube-apiserver',
      usage: 'server',
      ipAddresses: [HOST, '10.96.0.1'],
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    });
    const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const files = {
      ca: join(pki, 'ca.crt'),
      cert: join(pki, 'apiserver.crt'),
      key: join(pki, 'apiserver.key'),
      saPub: join(pki, 'sa.pub'),
      saKey: join(pki, 'sa.key'),
      tokens: join(pki, 'tokens.csv'),
    };
    writeFileSync(files.ca, ca.certPem);
    writeFileSync(files.cert, serving.certPem);
    writeFileSync(files.key, serving.keyPem, { mode: 0o600 });
    writeFileSync(files.saPub, sa.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(files.saKey, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const ids = {
      admin: identity('gauntlet-admin', ['system:masters']),
      controllers: identity('gauntlet:reference-controllers', ['system:masters']),
      node: identity(`system:node:${NODE_NAME}`, ['system:nodes']),
      kcm: identity('system:kube-controller-manager', ['system:masters']),
    };
    writeFileSync(
      files.tokens,
      Object.values(ids).map((i) => `${i.token},${i.user},${i.user},"${i.groups.join(',')}"`).join('\n') + '\n',
      { mode: 0o600 },
    );

    opts.progress('starting etcd');
    const etcdUrl = `http://${HOST}:${etcdClient}`;
    const etcd = startProcess('etcd', opts.binaries.etcd, {
      logFile: join(opts.logDir, 'etcd.log'),
      args: [
        '--name=gauntlet', `--data-dir=${join(opts.stateDir, 'etcd')}`, '--unsafe-no-fsync=true',
        `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://${HOST}:${etcdPeer}`, `--initial-advertise-peer-urls=http://${HOST}:${etcdPeer}`,
        `--initial-cluster=gauntlet=http://${HOST}:${etcdPeer}`, '--log-level=warn',
      ],
    });
    processes.push(etcd);
    await waitForHttp('etcd', `${etcdUrl}/health`, (r) => r.status === 200, {
      timeoutMs: 20_000, exited: etcd.exited, logFile: join(opts.logDir, 'etcd.log'),
    });

    opts.progress('starting kube-apiserver');
    const server = `https://${HOST}:${apiPort}`;
    const apiserver = startProcess('kube-apiserver', opts.binaries['kube-apiserver'], {
      logFile: join(opts.logDir, 'kube-apiserver.log'),
      args: [
        `--etcd-servers=${etcdUrl}`, `--bind-address=${HOST}`, `--advertise-address=${HOST}`,
        `--secure-port=${apiPort}`, `--tls-cert-file=${files.cert}`, `--tls-private-key-file=${files.key}`,
        `--client-ca-file=${files.ca}`, `--token-auth-file=${files.tokens}`, '--authorization-mode=Node,RBAC',
        '--service-cluster-ip-range=10.96.0.0/16', '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${files.saPub}`, `--service-account-signing-key-file=${files.saKey}`,
        '--allow-privileged=true', '--enable-priority-and-fairness=false', '--v=1',
      ],
    });
    processes.push(apiserver);
    await waitForHttp('kube-apiserver', `${server}/readyz`, (r) => r.status === 200, {
      timeoutMs: 60_000, ca: ca.certPem, token: ids.admin.token, exited: apiserver.exited,
      logFile: join(opts.logDir, 'kube-apiserver.log'),
    });

    const kc = (name: keyof typeof ids) =>
      writeKubeconfig(join(opts.stateDir, `${name}.kubeconfig`), {
        server, caPem: ca.certPem, token: ids[name].token, user: ids[name].user, name: 'gauntlet-reference',
      });
    const kubeconfigs = { admin: kc('admin'), controllers: kc('controllers'), node: kc('node') };

    opts.progress('starting kube-controller-manager');
    const kcm = startProcess('kube-controller-manager', opts.binaries['kube-controller-manager'], {
      logFile: join(opts.logDir, 'kube-controller-manager.log'),
      args: [
        `--kubeconfig=${kc('kcm')}`, `--authentication-kubeconfig=${kc('kcm')}`, `--authorization-kubeconfig=${kc('kcm')}`,
        '--controllers=namespace,garbagecollector,serviceaccount,serviceaccount-token,deployment,replicaset',
        `--service-account-private-key-file=${files.saKey}`, `--root-ca-file=${files.ca}`, '--use-service-account-credentials=false',
        '--leader-elect=false', `--bind-address=${HOST}`, `--secure-port=${await freePort(HOST)}`,
        '--concurrent-deployment-syncs=5', '--concurrent-replicaset-syncs=5', '--v=1',
      ],
    });
    processes.push(kcm);
    return { server, ca, kubeconfigs, versions: { kubernetes: 'v1.34.4', etcd: '3.6.16' }, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
