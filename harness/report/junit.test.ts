import { describe, expect, it } from 'vitest';
import { toJUnitXml } from './junit.ts';
import { childrenNamed, parseXml } from './testing/tiny-xml.ts';
import type { XmlElement } from './testing/tiny-xml.ts';
import { mixedReport, report, result } from './testing/sample-report.ts';

const counts = (el: XmlElement): string[] => ['tests', 'failures', 'errors', 'skipped'].map((k) => `${k}=${el.attrs[k]}`);

function only(el: XmlElement | undefined, name: string): XmlElement {
  const found = el ? childrenNamed(el, name) : [];
  expect(found, `one <${name}>`).toHaveLength(1);
  return found[0] as XmlElement;
}

function testcases(xml: string): Map<string, XmlElement> {
  const suites = childrenNamed(parseXml(xml), 'testsuite');
  return new Map(suites.flatMap((s) => childrenNamed(s, 'testcase')).map((c) => [c.attrs.name?.split(':')[0] ?? '', c]));
}

describe('toJUnitXml', () => {
  it('writes one testsuite per profile and layer that ran, conformance first, in layer order, with counts', () => {
    const root = parseXml(toJUnitXml(mixedReport()));
    expect(root.name).toBe('testsuites');
    expect(counts(root)).toEqual(['tests=6', 'failures=1', 'errors=1', 'skipped=3']);
    const suites = childrenNamed(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['conformance.serving', 'conformance.mesh', 'conformance.eventing', 'conformance.chaos', 'operational.serving']);
    const serving = suites[0] as XmlElement;
    expect(counts(serving)).toEqual(['tests=2', 'failures=0', 'errors=0', 'skipped=1']);
    expect(serving.attrs.time).toBe('3.000');
    const props = (s: XmlElement) => Object.fromEntries(childrenNamed(only(s, 'properties'), 'property').map((p) => [p.attrs.name ?? '', p.attrs.value ?? '']));
    expect(props(serving)).toMatchObject({ profile: 'conformance', layer: 'serving', target: 'reference' });
    expect(props(suites[4] as XmlElement)).toMatchObject({ profile: 'operational', layer: 'serving' });
    expect(childrenNamed(suites[4] as XmlElement, 'testcase').map((c) => c.attrs.classname)).toEqual(['operational.serving']);
  });

  it('names each testcase by profile, layer, id and title, with its time in seconds, its level, verdict, upstream and unmet SHOULD/MAY expectations', () => {
    const pass = testcases(toJUnitXml(mixedReport())).get('SERVING.SCALE.TO-ZERO');
    expect(pass?.attrs).toEqual({
      classname: 'conformance.serving',
      name: 'SERVING.SCALE.TO-ZERO: A Revision with no traffic scales to zero',
      time: '1.500',
    });
    const props = childrenNamed(only(pass, 'properties'), 'property').map((p) => [p.attrs.name, p.attrs.value]);
    expect(props).toEqual([
      ['level', 'MUST'],
      ['profile', 'conformance'],
      ['verdict', 'pass'],
      ['upstream', 'Knative Serving runtime contract, Autoscaling'],
      ['unmet.SHOULD', '1'],
      ['unmet.MAY', '0'],
    ]);
    // An unmet SHOULD is counted and shown, never a failure of the case.
    expect(childrenNamed(pass as XmlElement, 'failure')).toEqual([]);
    expect(only(pass, 'system-out').text).toContain('SHOULD NOT MET: scales to zero within the grace period (took 41 s)');
  });

  it('reports a failure with its reason and the evidence in the body', () => {
    const failure = only(testcases(toJUnitXml(mixedReport())).get('MESH.ROUTE.WEIGHTED'), 'failure');
    expect(failure.attrs.message).toBe('canary share 0.31 outside [0.17, 0.23]');
    for (const part of [
      'canary share: 0.31 ratio (bound: in [0.17, 0.23])',
      'sample size: 2000',
      'confidence: 0.99',
      'VirtualService/gauntlet/canary',
      'k6/weighted.json',
      'Wilson interval',
    ]) {
      expect(failure.text).toContain(part);
    }
  });

  it('maps error to <error> and inconclusive and not-applicable to <skipped>', () => {
    const cases = testcases(toJUnitXml(mixedReport()));
    expect(only(cases.get('EVENTING.DLQ'), 'error').attrs.message).toBe('Broker create refused: 403');
    expect(only(cases.get('SERVING.SCALE.BURST'), 'skipped').attrs.message).toBe('inconclusive: too few samples');
    expect(only(cases.get('CHAOS.POD.KILL'), 'skipped').attrs.message).toBe('not-applicable: Chaos Mesh not installed');
  });

  it('reports a waived failure as skipped, "waived: <reason>", with the failure it waives and the waiver in properties; never a failure', () => {
    const waived = testcases(toJUnitXml(mixedReport())).get('SERVING.RUNTIME.HEADERS');
    expect(childrenNamed(waived as XmlElement, 'failure')).toEqual([]);
    const skipped = only(waived, 'skipped');
    expect(skipped.attrs.message).toBe('waived: The edge proxy rewrites X-Forwarded-For (PLAT-1234)');
    expect(skipped.text).toMatch(/^failed: the container gets no X-Forwarded-For\n/);
    expect(skipped.text).toContain('MUST NOT MET: the container gets X-Forwarded-For');
    const props = Object.fromEntries(childrenNamed(only(waived, 'properties'), 'property').map((p) => [p.attrs.name ?? '', p.attrs.value ?? '']));
    expect(props).toMatchObject({
      verdict: 'waived', 'waiver.reason': 'The edge proxy rewrites X-Forwarded-For (PLAT-1234)', 'waiver.expires': '2099-12-31', 'waiver.source': 'waivers.yaml, entry 1',
    });
  });

  it('turns harness errors outside requirements into error testcases', () => {
    const root = parseXml(toJUnitXml(report([result()], ['etcd exited with code 1\nstderr: disk full'])));
    expect(counts(root)).toEqual(['tests=2', 'failures=0', 'errors=1', 'skipped=0']);
    const harness = childrenNamed(root, 'testsuite').find((s) => s.attrs.name === 'harness');
    const error = only(only(harness, 'testcase'), 'error');
    expect(error.attrs.message).toBe('etcd exited with code 1');
    expect(error.text).toBe('etcd exited with code 1\nstderr: disk full');
  });

  it('escapes markup and control characters everywhere so the document stays well formed', () => {
    const nasty = result({
      id: 'MESH.<&>',
      title: `"quoted" & 'single'`,
      verdict: 'fail',
      reason: 'got <html>\u001b[31m & \u0000]]>',
      upstream: 'a\tb',
      evidence: { expectations: [], observations: [{ name: 'body', value: '</failure>' }], resources: [], artifacts: [], notes: [] },
    });
    const xml = toJUnitXml(report([nasty]));
    expect(xml.includes('\u0000') || xml.includes('\u001b')).toBe(false);
    const testcase = only(only(parseXml(xml), 'testsuite'), 'testcase');
    expect(testcase.attrs.name).toBe(`MESH.<&>: "quoted" & 'single'`);
    const failure = only(testcase, 'failure');
    expect(failure.attrs.message).toBe('got <html>\\x1B[31m & \\x00]]>');
    expect(failure.text).toContain('body: "</failure>"');
    const upstream = childrenNamed(only(testcase, 'properties'), 'property').find((p) => p.attrs.name === 'upstream');
    expect(upstream?.attrs.value).toBe('a\tb');
  });

  it('keeps multi-line text verbatim, without indentation added inside it', () => {
    const failure = only(testcases(toJUnitXml(mixedReport())).get('MESH.ROUTE.WEIGHTED'), 'failure');
    expect(failure.text.split('\n')).toContain('  - canary share: 0.31 ratio (bound: in [0.17, 0.23])');
    expect(failure.text.split('\n')).toContain('resources:');
    const message = 'line one\n  indented\r\n</error>\n';
    const harness = childrenNamed(parseXml(toJUnitXml(report([result()], [message]))), 'testsuite')[1];
    expect(only(only(harness, 'testcase'), 'error').text).toBe(message);
  });

  it('indents markup by depth', () => {
    const lines = toJUnitXml(mixedReport()).split('\n');
    expect(lines.filter((l) => l.includes('<testsuite '))[0]).toMatch(/^ {2}<testsuite /);
    expect(lines.filter((l) => l.includes('<testcase '))[0]).toMatch(/^ {4}<testcase /);
    expect(lines).toContain('        <property name="level" value="MUST"/>');
  });
});
