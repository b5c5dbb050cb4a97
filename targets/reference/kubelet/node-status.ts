import { readFileSync, statfsSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';

/**
 * The Node object's labels and status as a kubelet reports them, describing this machine. The pods
 * capacity is a kubelet's default (110); the kubelet serves no API of its own (`daemonEndpoints` port 0),
 * so `kubectl logs` and `exec` do not work: the reference writes container logs to files.
 */
export interface NodeFacts {
  nodeName: string;
  /** The node's InternalIP, which pods see as their `hostIP`. */
  address: string;
  kubeletVersion: string;
  /** When the node became Ready: every condition's `lastTransitionTime`. */
  readySince: string;
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function nodeLabels(nodeName: string): Record<string, string> {
  return {
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': process.platform,
    'kubernetes.io/arch': ARCH[process.arch] ?? process.arch,
    'beta.kubernetes.io/os': process.platform,
    'beta.kubernetes.io/arch': ARCH[process.arch] ?? process.arch,
  };
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function osImage(): string {
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readTrimmed('/etc/os-release'));
  return pretty?.[1] ?? process.platform;
}

function ephemeralStorage(): string | undefined {
  try {
    const fs = statfsSync('/');
    return `${Math.floor((fs.blocks * fs.bsize) / 1024)}Ki`;
  } catch {
    return undefined;
  }
}

export function nodeCapacity(): Record<string, string> {
  const storage = ephemeralStorage();
  return {
    cpu: String(availableParallelism()),
    memory: `${Math.floor(totalmem() / 1024)}Ki`,
    pods: '110',
    ...(storage ? { 'ephemeral-storage': storage } : {}),
  };
}

const CONDITIONS = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

export function nodeConditions(readySince: string, heartbeat: string): Record<string, string>[] {
  return CONDITIONS.map((c) => ({ ...c, lastHeartbeatTime: heartbeat, lastTransitionTime: readySince }));
}

/** The whole `status` of the Node, for a merge patch of `nodes/status`. */
export function nodeStatus(f: NodeFacts, heartbeat: string): Record<string, unknown> {
  const capacity = nodeCapacity();
  const machineID = readTrimmed('/etc/machine-id');
  return {
    capacity,
    allocatable: capacity,
    conditions: nodeConditions(f.readySince, heartbeat),
    addresses: [
      { type: 'InternalIP', address: f.address },
      { type: 'Hostname', address: f.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID,
      systemUUID: machineID,
      bootID: readTrimmed('/proc/sys/kernel/random/boot_id'),
      kernelVersion: release(),
      osImage: osImage(),
      containerRuntimeVersion: `gauntlet-process://${process.version}`,
      kubeletVersion: f.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: process.platform,
      architecture: ARCH[process.arch] ?? process.arch,
    },
  };
}
