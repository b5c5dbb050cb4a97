import { describe, expect, it } from 'vitest';
import { formatEvidence } from './evidence-text.ts';

describe('formatEvidence', () => {
  it('lists every part of the evidence readably', () => {
    const text = formatEvidence({
      expectations: [
        { level: 'MUST', claim: 'the Service becomes Ready', held: true },
        { level: 'SHOULD', claim: 'scales up within two decisions', held: false, detail: 'took 5' },
      ],
      observations: [
        { name: 'p99 cold start', value: 1234, unit: 'ms', bound: '<= 1000 ms' },
        { name: 'ready', value: false },
        { name: 'phase', value: 'Pending' },
        { name: 'replicas', value: null },
      ],
      sampleSize: 400,
      confidence: 0.95,
      resources: ['Service/gauntlet/hello'],
      artifacts: ['k6/cold-start.json'],
      notes: ['stable-window 6s'],
    });
    expect(text.split('\n')).toEqual([
      'expectations:',
      '  - MUST held: the Service becomes Ready',
      '  - SHOULD NOT MET: scales up within two decisions (took 5)',
      'observations:',
      '  - p99 cold start: 1234 ms (bound: <= 1000 ms)',
      '  - ready: false',
      '  - phase: "Pending"',
      '  - replicas: null',
      'sample size: 400',
      'confidence: 0.95',
      'resources:',
      '  - Service/gauntlet/hello',
      'artifacts:',
      '  - k6/cold-start.json',
      'notes:',
      '  - stable-window 6s',
    ]);
  });

  it('is empty for empty evidence', () => {
    expect(formatEvidence({ expectations: [], observations: [], resources: [], artifacts: [], notes: [] })).toBe('');
  });
});
