import { constants } from 'node:os';

/**
 * Container statuses as the kubelet writes them into `status.containerStatuses`, with times as strings:
 * the kubelet sends them as raw JSON in a merge patch.
 */
export type ContainerStateJson =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: TerminatedJson };

export interface TerminatedJson {
  exitCode: number;
  signal?: number;
  reason: string;
  message?: string;
  startedAt?: string;
  finishedAt: string;
  containerID?: string;
}

export interface ContainerStatusJson {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerStateJson;
  lastState: { terminated?: TerminatedJson };
}

/** The exit code a container runtime reports: the code, or 128 + the signal's number. */
export function exitCodeOf(code: number | string): { exitCode: number; signal?: number } {
  if (typeof code === 'number') return { exitCode: code };
  const signal = (constants.signals as Record<string, number | undefined>)[code];
  return signal === undefined ? { exitCode: 255 } : { exitCode: 128 + signal, signal };
}

export const isWaiting = (s: ContainerStateJson): s is { waiting: { reason: string; message?: string } } => 'waiting' in s;
export const isRunning = (s: ContainerStateJson): s is { running: { startedAt: string } } => 'running' in s;
export const isTerminated = (s: ContainerStateJson): s is { terminated: TerminatedJson } => 'terminated' in s;
