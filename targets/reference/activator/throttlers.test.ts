import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PODS } from '../controller-runtime/controller.ts';
import { REVISIONS } from '../serving/resources.ts';
import type { KRevision } from '../serving/types.ts';
import { PROBE_FREQUENCY_MS, REFUSED_FAST_FOR_MS, REFUSED_RETRY_MS, type ProbeOutcome } from './probe.ts';
import { Throttlers } from './throttlers.ts';
import { FakeInformerSet, pod, revision } from './testing/fake-informers.ts';

/**
 * The activator's probing of pods that are not Ready yet, on a fake clock: when each probe is sent is the
 * behaviour under test, and a fake clock makes it exact, however busy the machine is.
 */
const NS = 'ns';
const IP = '10.0.0.1';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A revision's throttler with one pod that Kubernetes does not say is Ready; each probe answers `next()`. */
function probing(next: () => ProbeOutcome) {
  const informers = new FakeInformerSet();
  const revisions = informers.get<KRevision>(REVISIONS);
  const pods = informers.get<V1Pod>(PODS);
  const start = Date.now();
  /** When each probe was sent, in ms since the start. */
  const sentAt: number[] = [];
  const throttlers = new Throttlers(revisions, pods, {
    probe: (dest) => {
      expect(dest).toBe(`${IP}:8012`);
      sentAt.push(Date.now() - start);
      return Promise.resolve(next());
    },
  });
  revisions.set(revision(NS, 'r-00001'));
  const throttler = throttlers.get(NS, 'r-00001')!;
  pods.set(pod(NS, 'p', 'r-00001', { ip: IP, ready: false }));
  return { throttlers, throttler, sentAt };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('Throttlers: probing a pod that is not Ready', () => {
  it(`probes a pod whose queue-proxy answers not-ready every ${PROBE_FREQUENCY_MS} ms, and gives it requests from the probe that passes`, async () => {
    let outcome: ProbeOutcome = 'not-ready';
    const { throttlers, throttler, sentAt } = probing(() => outcome);
    try {
      expect(sentAt).toEqual([0]); // at once
      await vi.advanceTimersByTimeAsync(3 * PROBE_FREQUENCY_MS);
      expect(sentAt).toEqual([0, 1, 2, 3].map((i) => i * PROBE_FREQUENCY_MS));
      expect(throttler.backends).toEqual([]);
      outcome = 'ready';
      await vi.advanceTimersByTimeAsync(PROBE_FREQUENCY_MS - 1);
      expect(throttler.backends).toEqual([]); // nothing before the next probe...
      await vi.advanceTimersByTimeAsync(1);
      expect(sentAt).toHaveLength(5);
      expect(throttler.backends).toEqual([`${IP}:8012`]); // ...and the pod takes requests from the one that passes
      await vi.advanceTimersByTimeAsync(10 * PROBE_FREQUENCY_MS);
      expect(sentAt).toHaveLength(5); // no more probes once it passed
    } finally {
      throttlers.stop(new Error('test over'));
    }
  });

  it(`probes a pod whose queue-proxy does not listen yet every ${REFUSED_RETRY_MS} ms for its first ${REFUSED_FAST_FOR_MS} ms, then every ${PROBE_FREQUENCY_MS} ms`, async () => {
    let outcome: ProbeOutcome = 'refused';
    const { throttlers, throttler, sentAt } = probing(() => outcome);
    try {
      await vi.advanceTimersByTimeAsync(REFUSED_FAST_FOR_MS + 3 * PROBE_FREQUENCY_MS);
      const fast = sentAt.filter((t) => t <= REFUSED_FAST_FOR_MS);
      expect(fast.at(-1)).toBe(REFUSED_FAST_FOR_MS);
      expect(new Set(gaps(fast))).toEqual(new Set([REFUSED_RETRY_MS]));
      expect(gaps(sentAt.filter((t) => t >= REFUSED_FAST_FOR_MS))).toEqual([PROBE_FREQUENCY_MS, PROBE_FREQUENCY_MS, PROBE_FREQUENCY_MS]);
      expect(throttler.backends).toEqual([]);
      outcome = 'ready';
      await vi.advanceTimersByTimeAsync(PROBE_FREQUENCY_MS);
      expect(throttler.backends).toEqual([`${IP}:8012`]);
    } finally {
      throttlers.stop(new Error('test over'));
    }
  });

  it('probes a pod that starts listening early at the fast pace until it passes', async () => {
    let n = 0;
    const { throttlers, throttler, sentAt } = probing(() => (++n <= 5 ? 'refused' : 'ready'));
    try {
      await vi.advanceTimersByTimeAsync(5 * REFUSED_RETRY_MS);
      expect(sentAt).toEqual([0, 1, 2, 3, 4, 5].map((i) => i * REFUSED_RETRY_MS));
      expect(throttler.backends).toEqual([`${IP}:8012`]);
    } finally {
      throttlers.stop(new Error('test over'));
    }
  });
});
