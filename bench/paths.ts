import { runLoad, type LoadResult } from '../harness/index.ts';
import type { BenchContext } from './context.ts';

/** One way for the same load to reach the same workload: a URL, the Host it carries, the proxy it goes through. */
export interface LoadPath {
  name: string;
  url: string;
  host?: string;
  proxy?: string;
}

export interface PathPlan {
  /** Latency is measured at the first rate; the sustained rate is the highest of them all that holds. */
  rates: number[];
  seconds: number;
  /** Latency rounds, interleaved across paths (each round starts at another path), reported as medians. */
  rounds: number;
  /** Prefix of progress lines and load names. */
  label: string;
}

export interface PathResult {
  path: string;
  p50: number;
  p99: number;
  /** The highest rate served with no error, >= 98% of it achieved and <= 1% of iterations dropped; 0 if none. */
  sustained: number;
  rounds: { p50: number; p99: number }[];
}

/** Wraps each load on a path, e.g. to count what happened to the target meanwhile. */
export type AroundLoad = <T>(p: LoadPath, run: () => Promise<T>) => Promise<T>;

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.ceil(s.length / 2) - 1]!;
};

async function loadOn(b: BenchContext, plan: PathPlan, p: LoadPath, rate: number, tag: string): Promise<{ r: LoadResult; errors: number; short: boolean }> {
  const r = await runLoad({
    name: `${plan.label}-${p.name}-${tag}`.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-'), url: p.url,
    ...(p.host ? { host: p.host } : {}), ...(p.proxy ? { proxy: p.proxy } : {}),
    executor: { type: 'constant-arrival-rate', rate, durationSeconds: plan.seconds },
  }, { outDir: b.outDir });
  const errors = Object.entries(r.statusCounts).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0);
  const short = errors > 0 || r.achievedRate < 0.98 * rate || r.droppedIterations > 0.01 * rate * plan.seconds;
  return { r, errors, short };
}

/**
 * The same k6 load (constant-arrival-rate, keep-alive) on every path, side by side in one run: latency over
 * interleaved rounds at the first rate (so that a slow moment of the machine falls on every path alike), then
 * the highest rate each path sustains.
 */
export async function measurePaths(b: BenchContext, paths: LoadPath[], plan: PathPlan, around: AroundLoad = (_p, run) => run()): Promise<PathResult[]> {
  const results = new Map(paths.map((p) => [p.name, { path: p.name, rounds: [] as PathResult['rounds'], sustained: 0 }]));
  for (let round = 0; round < plan.rounds; round++) {
    for (const p of [...paths.slice(round % paths.length), ...paths.slice(0, round % paths.length)]) {
      b.progress(`${plan.label}: round ${round + 1}/${plan.rounds}: ${p.name} at ${plan.rates[0]} req/s`);
      const { r } = await around(p, () => loadOn(b, plan, p, plan.rates[0]!, `round${round}`));
      results.get(p.name)!.rounds.push({ p50: r.latency.p50Ms, p99: r.latency.p99Ms });
    }
  }
  for (const p of paths) {
    for (const rate of plan.rates) {
      b.progress(`${plan.label}: ${p.name} at ${rate} req/s`);
      const { r, errors, short } = await around(p, () => loadOn(b, plan, p, rate, String(rate)));
      if (short) {
        b.progress(`${plan.label}: ${p.name} fell short at ${rate} req/s: ${errors} errors, ${r.achievedRate.toFixed(0)} req/s achieved, ${r.droppedIterations} dropped`);
        break;
      }
      results.get(p.name)!.sustained = rate;
    }
  }
  return paths.map((p) => {
    const x = results.get(p.name)!;
    return { ...x, p50: median(x.rounds.map((y) => y.p50)), p99: median(x.rounds.map((y) => y.p99)) };
  });
}
