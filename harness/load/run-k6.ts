import { closeSync, openSync, readSync, writeFileSync, existsSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { UserError } from '../../lib/errors.ts';
import { resolveBinary, MissingToolsError } from '../../lib/tools/resolve.ts';
import { withParentDeathSignal } from '../../lib/process/parent-death.ts';
import { k6ScriptConfig } from './k6-config.ts';
import { RecordAggregator, parseSummary } from './parse.ts';
import type { LoadResult } from './result.ts';
import { LoadSpecSchema, plannedRequests, plannedSeconds, type LoadSpec } from './spec.ts';

const SCRIPT = fileURLToPath(new URL('../../fixtures/k6/http.js', import.meta.url));
/** k6's exit code when a threshold failed: a verdict about the target, not a failure to run. */
export const THRESHOLDS_FAILED = 99;

export class K6Error extends Error {
  override name = 'K6Error';
}

export interface RunLoadOptions {
  /** Folder for the raw output (the run's report folder). */
  outDir: string;
  signal?: AbortSignal;
  /** Called every few seconds while k6 runs. */
  progress?: (line: string) => void;
  /** Called once the first request's record is in: k6 itself may take a second or more to start. */
  onFirstResponse?: () => void;
}

/** Reads whole lines appended to a file since the last call. */
class LineTail {
  private offset = 0;
  private partial = '';
  private readonly buffer = Buffer.alloc(1 << 20);
  private readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  read(onLine: (line: string) => void): void {
    if (!existsSync(this.file)) return;
    const fd = openSync(this.file, 'r');
    try {
      for (let n = readSync(fd, this.buffer, 0, this.buffer.length, this.offset); n > 0; n = readSync(fd, this.buffer, 0, this.buffer.length, this.offset)) {
        this.offset += n;
        const lines = (this.partial + this.buffer.toString('utf8', 0, n)).split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Runs one load with the pinned k6 and folds its output into histograms and counts. */
export async function runLoad(input: LoadSpec, opts: RunLoadOptions): Promise<LoadResult> {
  const parsed = LoadSpecSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UserError(`load spec${'name' in input ? ` ${input.name}` : ''}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  const spec = parsed.data;
  const k6 = await resolveBinary('k6');
  if (!k6.found) throw new MissingToolsError(`k6 ${k6.tool.version} is not installed (${k6.problem}); run \`npx gauntlet setup\``);

  mkdirSync(opts.outDir, { recursive: true });
  const files = {
    records: join(opts.outDir, `${spec.name}.requests.jsonl`),
    summary: join(opts.outDir, `${spec.name}.summary.json`),
    log: join(opts.outDir, `${spec.name}.k6.log`),
    ...(spec.dashboard ? { dashboard: join(opts.outDir, `${spec.name}.dashboard.html`) } : {}),
  };
  const configFile = join(opts.outDir, `${spec.name}.config.json`);
  writeFileSync(configFile, JSON.stringify(k6ScriptConfig(spec, files.summary), null, 2));
  writeFileSync(files.records, '');

  const planned = plannedSeconds(spec.executor);
  const [file, args] = withParentDeathSignal(k6.path, [
    'run', '--quiet', '--no-color', '--no-usage-report', '--log-format=raw', `--console-output=${files.records}`,
    `--log-output=file=${files.log}`, SCRIPT,
  ]);
  const env: Record<string, string> = {
    GAUNTLET_LOAD_CONFIG: configFile,
    K6_NO_USAGE_REPORT: 'true',
    // k6 (Go) honours the proxy variables: only the spec's proxy, never one inherited from the environment.
    HTTP_PROXY: spec.proxy ?? '', http_proxy: spec.proxy ?? '', HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '',
    ...(files.dashboard
      ? { K6_WEB_DASHBOARD: 'true', K6_WEB_DASHBOARD_EXPORT: files.dashboard, K6_WEB_DASHBOARD_PERIOD: '1s', K6_WEB_DASHBOARD_HOST: '127.0.0.1', K6_WEB_DASHBOARD_PORT: '-1' }
      : {}),
  };
  const aggregate = new RecordAggregator(spec.countHeaders);
  const tail = new LineTail(files.records);
  const started = Date.now();
  const child = execa(file, args, {
    env, extendEnv: true, reject: false, all: true, detached: true,
    timeout: (planned + 60) * 1000, forceKillAfterDelay: 5000,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  const ticker = setInterval(() => {
    tail.read((l) => aggregate.addLine(l));
    const s = aggregate.latency();
    opts.progress?.(`load ${spec.name}: ${Math.round((Date.now() - started) / 1000)}/${planned} s, ${aggregate.requests} requests, p99 ${s.p99Ms.toFixed(1)} ms`);
  }, 2000);
  let onFirst = opts.onFirstResponse;
  const firstTicker = onFirst && setInterval(() => {
    tail.read((l) => aggregate.addLine(l));
    if (aggregate.requests === 0) return;
    clearInterval(firstTicker);
    onFirst?.();
    onFirst = undefined;
  }, 50);
  const r = await child;
  clearInterval(ticker);
  clearInterval(firstTicker);
  tail.read((l) => aggregate.addLine(l));
  if (opts.signal?.aborted) throw new K6Error(`load ${spec.name}: aborted`);
  if (r.timedOut) throw new K6Error(`load ${spec.name}: k6 ran past its ${planned} s plan by a minute and was stopped`);
  if (r.exitCode !== 0 && r.exitCode !== THRESHOLDS_FAILED) {
    const why = (r.all ?? '').trim().split('\n').slice(-3).join(' | ') || readLogTail(files.log);
    throw new K6Error(`load ${spec.name}: k6 failed (exit ${r.exitCode ?? r.signal ?? '?'}): ${why}`);
  }
  const summary = parseSummary(readFileSync(files.summary, 'utf8'));
  const span = summary.testRunSeconds || aggregate.spanSeconds();
  const result: LoadResult = {
    name: spec.name,
    completed: true,
    thresholdsPassed: r.exitCode === 0,
    failedThresholds: summary.failedThresholds,
    requests: aggregate.requests,
    histogram: aggregate.histogram,
    latency: aggregate.latency(),
    statusCounts: aggregate.statusCounts,
    headerCounts: aggregate.headerCounts,
    series: aggregate.series(),
    droppedIterations: summary.droppedIterations,
    requestedRate: spec.executor.type === 'constant-arrival-rate' ? spec.executor.rate : (plannedRequests(spec.executor) ?? 0) / planned || undefined,
    achievedRate: span > 0 ? aggregate.requests / Math.min(span, planned) : 0,
    durationSeconds: span,
    files,
  };
  aggregate.release();
  return result;
}

function readLogTail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ') : 'no output';
}
