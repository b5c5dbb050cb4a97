import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { relayOutput } from './output-relay.ts';

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-relay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('relayOutput', () => {
  it('appends what both streams carry to the current file, and after redirect() to the next one', async () => {
    const [first, second] = [join(dir, 'first.log'), join(dir, 'second.log')];
    writeFileSync(second, 'kept\n');
    const out = new PassThrough();
    const err = new PassThrough();
    const relay = relayOutput([out, err], first);
    out.write('before\n');
    await new Promise((r) => setImmediate(r));
    relay.redirect(second);
    err.write('after on stderr\n');
    out.end('after on stdout\n');
    err.end();
    await relay.ended;
    expect(readFileSync(first, 'utf8')).toBe('before\n');
    expect(readFileSync(second, 'utf8')).toBe('kept\nafter on stderr\nafter on stdout\n');
  });

  it('ends when every stream has ended, also a destroyed one', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const relay = relayOutput([out, err], join(dir, 'third.log'));
    out.end();
    err.destroy();
    await relay.ended;
    relay.redirect(join(dir, 'fourth.log'));
    expect(readFileSync(join(dir, 'fourth.log'), 'utf8')).toBe('');
  });
});
