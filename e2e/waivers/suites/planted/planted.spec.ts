// A suite with planted failures, for e2e/waivers.test.ts: `run()` runs it against a fake Kubernetes API
// (no reference needed), with a waiver file that waives what fails here.
import { requirement } from '../../../../harness/index.ts';

const declaration = { level: 'MUST', layer: 'serving', upstream: 'planted', bound: 'planted', parallel: true, mutants: ['never-ready'] } as const;

/** Fails on its one MUST: a waiver of the whole requirement turns it into waived. */
export const PORT = requirement({ ...declaration, id: 'SERVING.PLANTED.PORT', profile: 'conformance', title: 'The container sees PORT' }, async (ctx) => {
  ctx.must('the container sees PORT', false, 'the container has no PORT');
  await Promise.resolve();
});

/** Fails on its second MUST: a waiver of that expectation alone turns it into waived. */
export const HEADERS = requirement({ ...declaration, id: 'SERVING.PLANTED.HEADERS', profile: 'conformance', title: 'Forwarded headers' }, async (ctx) => {
  ctx.must('the container gets X-Forwarded-For', true);
  ctx.must('Forwarded says proto=http', false, 'Forwarded says proto=https');
  await Promise.resolve();
});

/** Passes; its waiver is unused. */
export const PASSES = requirement({ ...declaration, id: 'SERVING.PLANTED.PASSES', profile: 'conformance', title: 'Passes' }, async (ctx) => {
  ctx.must('one is one', true);
  await Promise.resolve();
});

/** An operational check that passes; its waiver has expired. */
export const SCALE = requirement({ ...declaration, id: 'SERVING.PLANTED.SCALE', profile: 'operational', title: 'Scales within the configured window' }, async (ctx) => {
  ctx.must('scales within the window', true);
  await Promise.resolve();
});
