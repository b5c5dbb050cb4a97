import {
  ConnectionMixCheck, ShareJudge, chiSquareGoodnessOfFit, connectionMixMinRequests,
  type ConnectionMix, type EvidenceLog, type GatewayAddress, type SplitReport,
} from '../../../../harness/index.ts';
import { sample, type ConnectionMode, type SamplerRun } from './sampler.ts';

export interface SplitCheck {
  /** Revision -> percent, as in spec.traffic. */
  percents: Record<string, number>;
  mode: ConnectionMode;
  url: string;
  via: GatewayAddress;
  /** The split test's error budget (1 - its confidence). */
  alpha: number;
  /** The keep-alive connection check's error budget. */
  mixAlpha: number;
  tolerance: number;
  /** The split test's request cap (answered and in flight). */
  maxRequests: number;
  /** The time budget of this split's test; past it, inconclusive with the rate it got. */
  maxSeconds: number;
  concurrency: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SplitOutcome {
  label: string;
  verdict: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  split: SplitReport;
  run: SamplerRun;
  /** Answers that were not a 200 with a revision header, as the judge counted them: status -> count (0: no response). */
  errors: Record<string, number>;
  /** Answers from revisions that spec.traffic does not name. */
  unexpected: Record<string, number>;
  /** Answers after the split test decided (in flight at the decision, or sent after it for the keep-alive check). */
  afterDecision: Record<string, number>;
  mix?: ConnectionMix & { minRequests: number };
}

/**
 * Sends requests until the share judge (harness/stats/share-judge.ts: the sequential split test, and failed
 * requests beyond its cut-off) decides whether the observed shares per revision match `percents` within the
 * tolerance; in keep-alive mode, also checks that every connection sees every revision (a platform that splits
 * per connection fails that at once). Stops at the first answer that decides.
 *
 * Nothing is dropped: a failed request counts against the test (as whichever revision keeps it from deciding),
 * and so does every request still in flight at each answer (the sampler keeps `concurrency` in flight: the
 * others besides the one that answered), so a decision holds however the requests in flight at it are
 * answered; those that still arrive (in keep-alive mode, where sending goes on) are evidence after the
 * decision. What is this suite's own: how the requests are sent, that an answer counts as its revision only as
 * a 200 naming its revision, that a revision spec.traffic does not name fails at once, and the keep-alive check.
 */
export async function checkSplit(c: SplitCheck): Promise<SplitOutcome> {
  const names = Object.keys(c.percents);
  const judge = new ShareJudge({
    expected: Object.fromEntries(names.map((n) => [n, c.percents[n]! / 100])),
    tolerance: c.tolerance, confidence: 1 - c.alpha, maxRequests: c.maxRequests, othersAre: 'requests failed',
    inFlight: c.concurrency - 1, maxSeconds: c.maxSeconds,
  });
  const test = judge.test;
  const minRequests = connectionMixMinRequests(test.expected, c.concurrency, c.mixAlpha);
  const mix = c.mode === 'keep-alive' ? new ConnectionMixCheck(names, minRequests) : undefined;
  const unexpected: Record<string, number> = {};
  let mixed = true;
  let counted = 0;
  let decidedAt: number | undefined;
  // The judge holds the caps; the sampler's leave room for the keep-alive check after a decision at the cap,
  // and for answers that stop coming at all.
  const sendCap = c.maxRequests + (mix ? c.concurrency * minRequests : 0) + c.concurrency;
  const run = await sample(
    {
      url: c.url, via: c.via, mode: c.mode, concurrency: c.concurrency, timeoutMs: c.timeoutMs, maxRequests: sendCap,
      maxSeconds: c.maxSeconds + c.timeoutMs / 1000, ...(c.signal ? { signal: c.signal } : {}),
    },
    (a) => {
      if (a.status !== 200 || !a.revision) {
        judge.other(a.status === 0 ? `0 (${a.error ?? 'no response'})` : String(a.status));
        return judge.untrustworthy || (judge.done && !test.done);
      }
      if (!names.includes(a.revision)) {
        unexpected[a.revision] = (unexpected[a.revision] ?? 0) + 1;
        return true;
      }
      judge.outcome(a.revision);
      counted++;
      if (mix && !mix.add(a.connection, a.revision)) mixed = false;
      if (judge.done && !test.done) return true; // the time budget ran out
      if (mixed && !test.done) return false;
      // Decided; in keep-alive mode go on (at most a connection's worth per connection) until every connection
      // has been judged, so that the evidence says how many connections a per-connection split pinned.
      decidedAt ??= counted;
      return !mix || mix.result().judged >= c.concurrency || counted >= decidedAt + c.concurrency * minRequests;
    },
  );
  const judged = judge.judgement();
  const split = judged.report;
  const mixResult = mix ? { ...mix.result(), minRequests } : undefined;
  const label = `${Object.values(c.percents).join('/')} ${c.mode === 'fresh' ? 'fresh connections' : 'keep-alive'}`;
  const base = { label, split, run, errors: judged.others, unexpected, afterDecision: judged.afterDecision, ...(mixResult ? { mix: mixResult } : {}) };
  const unexpectedNames = Object.keys(unexpected);
  if (unexpectedNames.length > 0) {
    return { ...base, verdict: 'fail', reason: `${label}: revision ${unexpectedNames.join(', ')} answered, which spec.traffic does not route to` };
  }
  if (mixResult && mixResult.unmixed.length > 0) {
    const u = mixResult.unmixed[0]!;
    const also = split.decision === 'fail' ? `; ${split.reason}` : '';
    return {
      ...base, verdict: 'fail',
      reason:
        `${label}: ${mixResult.unmixed.length} of ${mixResult.judged} connections saw one revision only (connection ${u.connection}: ` +
        `${u.requests} requests, all to ${Object.keys(u.seen).join(', ')}): the split is chosen per connection, not per request${also}`,
    };
  }
  if (judged.verdict === 'pass' && mixResult && mixResult.judged === 0) {
    return { ...base, verdict: 'inconclusive', reason: `${label}: no connection carried ${minRequests} requests (${run.reused} reused of ${run.answered}), so splitting per connection could not be ruled out` };
  }
  if (!judged.untrustworthy && split.decision === 'undecided' && !judged.timedOut) {
    const rate = Math.round(run.answered / Math.max(run.seconds, 0.001));
    return { ...base, verdict: 'inconclusive', reason: `${label}: stopped by the ${run.stoppedBy} after ${run.seconds.toFixed(0)} s at ${rate} req/s before a decision: ${split.reason}` };
  }
  return { ...base, verdict: judged.verdict, reason: `${label}: ${judged.reason}` };
}

/**
 * Sends requests until every revision of the split has answered once (at most `maxRequests`), so that the test
 * that follows measures routing, not the first requests' cold starts; the answers are not counted.
 */
export async function warmUp(c: Pick<SplitCheck, 'url' | 'via' | 'concurrency' | 'timeoutMs' | 'signal'>, revisions: readonly string[], maxRequests = 500): Promise<SamplerRun> {
  const seen = new Set<string>();
  return sample(
    { url: c.url, via: c.via, mode: 'fresh', concurrency: c.concurrency, timeoutMs: c.timeoutMs, maxRequests, maxSeconds: 60, ...(c.signal ? { signal: c.signal } : {}) },
    (a) => {
      if (a.revision) seen.add(a.revision);
      return revisions.every((r) => seen.has(r));
    },
  );
}

const pct = (x: number) => Math.round(x * 10_000) / 100;
/** Interval ends to 3 decimals: a test stops as soon as an end crosses the band, so they sit close to it. */
const pct3 = (x: number) => (x * 100).toFixed(3);

/** The outcome as evidence: per revision count, share and interval; requests, decision, connections. */
export function logSplit(log: EvidenceLog, o: SplitOutcome): void {
  const s = o.split;
  const at = `${pct(s.perShareConfidence)}%`;
  for (const share of s.shares) {
    log.observe(`${o.label}: ${share.name} requests`, share.count);
    log.observe(`${o.label}: ${share.name} share`, pct(share.observed), { unit: '%', bound: `${pct(share.expected)} +- ${pct(s.tolerance)} pp` });
    log.observe(`${o.label}: ${share.name} interval`, `${pct3(share.lower)}..${pct3(share.upper)} % at ${at}`, {
      bound: `pass: inside ${pct(share.expected - s.passWithin)}..${pct(share.expected + s.passWithin)} %; fail: outside ${pct(share.expected - s.failBeyond)}..${pct(share.expected + s.failBeyond)} %`,
    });
  }
  log.observe(`${o.label}: requests used`, s.requests, { bound: `<= ${s.maxRequests}` });
  log.observe(`${o.label}: requests in flight at the decision, counted either way`, s.inFlight);
  if (Object.keys(o.afterDecision).length > 0) log.observe(`${o.label}: answers after the decision (evidence only)`, JSON.stringify(o.afterDecision));
  log.observe(`${o.label}: decision`, o.verdict);
  log.observe(`${o.label}: requests per second`, Math.round(o.run.answered / Math.max(o.run.seconds, 0.001)), { unit: 'req/s' });
  if (s.requests > 0) {
    const chi = chiSquareGoodnessOfFit(s.shares.map((x) => x.count), s.shares.map((x) => x.expected));
    log.observe(`${o.label}: chi-square p-value (exact shares, no tolerance; evidence only)`, Number(chi.pValue.toPrecision(3)));
  }
  if (Object.keys(o.errors).length > 0) log.observe(`${o.label}: failed requests`, JSON.stringify(o.errors));
  if (o.mix) {
    log.observe(`${o.label}: connections`, o.run.connections);
    log.observe(`${o.label}: requests on reused connections`, o.run.reused);
    log.observe(`${o.label}: connections that saw every revision`, `${o.mix.mixed}/${o.mix.judged}`, { bound: `all of those with >= ${o.mix.minRequests} requests` });
  }
  log.note(o.reason);
}
