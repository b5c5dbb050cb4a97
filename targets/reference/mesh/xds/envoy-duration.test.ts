import { describe, expect, it } from 'vitest';
import { envoyDuration } from './envoy-duration.ts';

describe('envoyDuration', () => {
  it.each([
    ['2s', '2s'], ['0.5s', '0.5s'], ['100ms', '0.1s'], ['1h30m', '5400s'], ['1m0.25s', '60.25s'], ['250us', '0.00025s'], ['3ns', '0.000000003s'], ['0s', '0s'],
  ])('%s -> %s', (input, expected) => {
    expect(envoyDuration(input)).toBe(expected);
  });

  it.each(['', '2', 'abc', '-1s', '1x'])('rejects %j rather than guessing', (input) => {
    expect(() => envoyDuration(input)).toThrow(/not a duration/);
  });
});
