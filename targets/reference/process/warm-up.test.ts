import { describe, expect, it } from 'vitest';
import { warmUp } from './warm-up.ts';

/** Servers, sockets and timers of this thread (vitest's own timers come and go: none may be added). */
const handles = () => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return { servers: counts.TCPServerWrap ?? 0, sockets: counts.TCPSocketWrap ?? 0, timers: counts.Timeout ?? 0 };
};

function expectNoMoreThan(before: ReturnType<typeof handles>) {
  const now = handles();
  expect(now.servers).toBeLessThanOrEqual(before.servers);
  expect(now.sockets).toBeLessThanOrEqual(before.sockets);
  expect(now.timers).toBeLessThanOrEqual(before.timers);
}

describe('a warm runtime\'s warm-up', () => {
  it('leaves no server, socket or timer behind for the program', async () => {
    const before = handles();
    await warmUp();
    expectNoMoreThan(before);
  });

  it('finishes, with nothing left behind, where it cannot listen', async () => {
    const before = handles();
    await warmUp('192.0.2.1'); // TEST-NET-1: not an address of this machine, so listen fails; nothing is sent
    expectNoMoreThan(before);
  });
});
