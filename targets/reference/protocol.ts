/** Lines the reference prints on stdout, one JSON object each, for its launcher. */
export type ReferenceEvent =
  | { event: 'progress'; step: string; elapsedMs: number }
  | { event: 'ready'; kubeconfig: string; stateDir: string; logDir: string; startupMs: number; versions: Record<string, string>; mutant: string | null }
  | { event: 'error'; message: string; kind: 'missing-tools' | 'start-failed' }
  | { event: 'stopped' };

export function emit(e: ReferenceEvent): void {
  process.stdout.write(`${JSON.stringify(e)}\n`);
}
