import { describe, expect, it } from 'vitest';
import type { Client } from './api.ts';
import { createStatusWriter } from './status-writer.ts';

/** A client whose pod status PATCHes are recorded and answered when the test says so. */
function fakeClient() {
  const sent: { name: string; body: { status: Record<string, unknown> } }[] = [];
  const answers: (() => void)[] = [];
  const client = {
    core: {
      patchNamespacedPodStatus: (req: { name: string; body: { status: Record<string, unknown> } }) => {
        sent.push({ name: req.name, body: req.body });
        return new Promise<void>((resolve) => answers.push(resolve));
      },
    },
  } as unknown as Client;
  const answerAll = async () => {
    while (answers.length > 0) {
      answers.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { client, sent, answerAll };
}

const pod = { namespace: 'ns', name: 'p', uid: 'u1' };
const log = () => undefined;

describe('the kubelet status writer', () => {
  it('sends the changes of one turn as one PATCH, with the latest status', async () => {
    const { client, sent, answerAll } = fakeClient();
    const w = createStatusWriter(client, log);
    w.write(pod, { phase: 'Pending', podIP: '127.16.1.2' });
    w.write(pod, { phase: 'Pending', podIP: '127.16.1.2', containerStatuses: [{ name: 'a', state: { running: {} } }] });
    w.write(pod, { phase: 'Running', podIP: '127.16.1.2', containerStatuses: [{ name: 'a', state: { running: {} } }, { name: 'b', state: { running: {} } }] });
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.status.phase).toBe('Running');
    expect(sent[0]!.body).toMatchObject({ metadata: { uid: 'u1' } });
    await answerAll();
    await w.flush(pod);
    expect(sent).toHaveLength(1);
  });

  it('keeps one request per pod in flight, then sends only the latest of what changed meanwhile', async () => {
    const { client, sent, answerAll } = fakeClient();
    const w = createStatusWriter(client, log);
    w.write(pod, { phase: 'Pending' });
    await new Promise((r) => setImmediate(r));
    w.write(pod, { phase: 'Running' });
    await new Promise((r) => setImmediate(r));
    w.write(pod, { phase: 'Succeeded' });
    await new Promise((r) => setImmediate(r));
    expect(sent.map((s) => s.body.status.phase)).toEqual(['Pending']);
    await answerAll();
    await w.flush(pod);
    expect(sent.map((s) => s.body.status.phase)).toEqual(['Pending', 'Succeeded']);
  });

  it('sends nothing when the status did not change', async () => {
    const { client, sent, answerAll } = fakeClient();
    const w = createStatusWriter(client, log);
    w.write(pod, { phase: 'Running' });
    await new Promise((r) => setImmediate(r));
    await answerAll();
    w.write(pod, { phase: 'Running' });
    await new Promise((r) => setImmediate(r));
    await answerAll();
    expect(sent).toHaveLength(1);
  });
});
