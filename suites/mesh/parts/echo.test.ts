import { describe, expect, it } from 'vitest';
import { parseXfcc } from './echo.ts';

describe('parseXfcc', () => {
  it("reads Envoy's format, quoted values and several elements", () => {
    const h = 'By=spiffe://cluster.local/ns/a/sa/s;Hash=ab12;Subject="";URI=spiffe://cluster.local/ns/a/sa/c,By=x;Subject="CN=a,O=\\"b\\"";URI=y';
    expect(parseXfcc(h)).toEqual([
      { By: 'spiffe://cluster.local/ns/a/sa/s', Hash: 'ab12', Subject: '', URI: 'spiffe://cluster.local/ns/a/sa/c' },
      { By: 'x', Subject: 'CN=a,O="b"', URI: 'y' },
    ]);
    expect(parseXfcc(undefined)).toEqual([]);
  });
});
