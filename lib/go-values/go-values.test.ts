import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoBool, parseGoDuration, parseGoFloat, parseGoInt32 } from './index.ts';

describe('Go durations', () => {
  it.each([
    ['6s', 6000], ['1m', 60_000], ['1m30s', 90_000], ['500ms', 500], ['1.5s', 1500], ['0', 0], ['-2s', -2000],
    ['1h2m3s', 3_723_000], ['.5s', 500], ['100us', 0.1], ['2h', 7_200_000],
  ])('parses %s', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each([['6', 'missing unit'], ['', 'invalid duration'], ['1d', 'unknown unit "d"'], ['s', 'invalid duration'], ['.s', 'invalid duration']])(
    'refuses %j as Go does (%s)', (text, why) => expect((parseGoDuration(text) as Error).message).toContain(why),
  );

  it.each([[6000, '6s'], [60_000, '1m0s'], [90_000, '1m30s'], [500, '500ms'], [0, '0s'], [3_600_000, '1h0m0s'], [1500, '1.5s']])(
    'formats %d ms as %s', (ms, text) => expect(formatGoDuration(ms)).toBe(text),
  );
});

describe("Go's strconv", () => {
  it('parses 32-bit integers, refusing fractions and values out of range in Go\'s words', () => {
    expect(parseGoInt32('-42')).toBe(-42);
    expect(parseGoInt32('+7')).toBe(7);
    expect((parseGoInt32('2.5') as Error).message).toBe('strconv.ParseInt: parsing "2.5": invalid syntax');
    expect((parseGoInt32('2147483648') as Error).message).toBe('strconv.ParseInt: parsing "2147483648": value out of range');
  });

  it('parses floats, infinities included', () => {
    expect(parseGoFloat('0.7')).toBe(0.7);
    expect(parseGoFloat('1e3')).toBe(1000);
    expect(parseGoFloat('.5')).toBe(0.5);
    expect(parseGoFloat('-Inf')).toBe(-Infinity);
    expect((parseGoFloat('1,5') as Error).message).toBe('strconv.ParseFloat: parsing "1,5": invalid syntax');
  });

  it('parses the booleans Go accepts, and no others', () => {
    expect(['1', 't', 'TRUE', 'True'].map(parseGoBool)).toEqual([true, true, true, true]);
    expect(['0', 'f', 'FALSE', 'False'].map(parseGoBool)).toEqual([false, false, false, false]);
    expect((parseGoBool('yes') as Error).message).toBe('strconv.ParseBool: parsing "yes": invalid syntax');
  });
});
