import { describe, expect, it } from 'vitest';
import { renderFieldErrors } from './field-error.ts';
import { defaultTraffic, validateTraffic } from './knative-traffic.ts';

const inService = { defaultConfigurationName: true };
const inRoute = { defaultConfigurationName: false };
const check = (traffic: unknown, ctx = inService) => renderFieldErrors(validateTraffic(traffic, ctx));

describe('Knative traffic rules', () => {
  it('accepts a split that sums to 100', () => {
    expect(
      check([
        { latestRevision: true, percent: 70 },
        { revisionName: 'hello-00001', latestRevision: false, percent: 30, tag: 'previous' },
      ]),
    ).toEqual([]);
  });

  it('refuses a split that does not sum to 100, as Knative words it', () => {
    expect(check([{ latestRevision: true, percent: 50 }, { revisionName: 'hello-00001', latestRevision: false, percent: 40 }])).toEqual([
      'Traffic targets sum to 90, want 100: spec.traffic',
    ]);
    expect(check([], inRoute)).toEqual(['Traffic targets sum to 0, want 100: spec.traffic']);
  });

  it('wants each target to either pin a revision or follow the latest', () => {
    expect(check([{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }])).toEqual([
      'may not set revisionName "hello-00001" when latestRevision is true: spec.traffic[0].latestRevision',
    ]);
    expect(check([{ latestRevision: false, percent: 100 }])).toEqual(['may not set revisionName "" when latestRevision is false: spec.traffic[0].latestRevision']);
  });

  it('wants a Route target to name a revision or a configuration, exactly one', () => {
    expect(check([{ percent: 100 }], inRoute)).toEqual([
      'expected exactly one, got neither: spec.traffic[0].configurationName, spec.traffic[0].revisionName',
    ]);
    expect(check([{ revisionName: 'a-00001', configurationName: 'a', percent: 100 }], inRoute)).toEqual([
      'expected exactly one, got both: spec.traffic[0].configurationName, spec.traffic[0].revisionName',
    ]);
    expect(check([{ configurationName: 'a', percent: 100 }])).toEqual(['must not set the field(s): spec.traffic[0].configurationName']);
  });

  it('refuses duplicate and malformed tags, and percents out of bounds', () => {
    expect(
      check([
        { latestRevision: true, percent: 100, tag: 'canary' },
        { revisionName: 'a-00001', latestRevision: false, percent: 0, tag: 'canary' },
      ]),
    ).toEqual(['Multiple definitions for "canary": spec.traffic[0].tag, spec.traffic[1].tag']);
    expect(check([{ latestRevision: true, percent: 100, tag: 'Not_A_Label' }])[0]).toMatch(/^invalid value: not a DNS 1035 label: .*: spec\.traffic\[0\]\.tag$/);
    expect(check([{ latestRevision: true, percent: 150 }, { revisionName: 'a-1', latestRevision: false, percent: -50 }])).toEqual([
      'expected 0 <= -50 <= 100: spec.traffic[1].percent',
      'expected 0 <= 150 <= 100: spec.traffic[0].percent',
    ]);
  });

  it('merges errors with the same message, paths sorted', () => {
    expect(check([{ url: 'http://x', latestRevision: true, percent: 50 }, { url: 'http://y', latestRevision: true, percent: 50 }])).toEqual([
      'must not set the field(s): spec.traffic[0].url, spec.traffic[1].url',
    ]);
  });
});

describe('Knative traffic defaults', () => {
  it('sends all traffic of a Service to the latest revision when none is given', () => {
    expect(defaultTraffic(undefined, inService)).toEqual([{ percent: 100, latestRevision: true }]);
    expect(defaultTraffic([], inService)).toEqual([{ percent: 100, latestRevision: true }]);
    expect(defaultTraffic(undefined, inRoute)).toBeUndefined();
  });

  it('fills latestRevision from revisionName and an explicit percent', () => {
    expect(defaultTraffic([{ revisionName: 'a-00001', percent: 100 }, { tag: 'latest' }], inService)).toEqual([
      { revisionName: 'a-00001', percent: 100, latestRevision: false },
      { tag: 'latest', latestRevision: true, percent: 0 },
    ]);
  });

  it('leaves explicit choices alone', () => {
    const traffic = [{ latestRevision: false, percent: 100 }];
    expect(defaultTraffic(traffic, inService)).toEqual(traffic);
  });
});
