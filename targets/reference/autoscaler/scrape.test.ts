import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_METRICS } from '../serving/dataplane.ts';
import { httpRevisionScraper, parsePrometheusText, statOfPod } from './scrape.ts';

const body = (concurrency: number, proxied: number, rps: number) => [
  `# HELP ${QUEUE_METRICS.averageConcurrency} Average of requests currently in flight`,
  `# TYPE ${QUEUE_METRICS.averageConcurrency} gauge`,
  `${QUEUE_METRICS.averageConcurrency}{destination_namespace="ns",destination_revision="rev"} ${concurrency}`,
  `${QUEUE_METRICS.averageProxiedConcurrency}{destination_namespace="ns",destination_revision="rev"} ${proxied}`,
  `${QUEUE_METRICS.requestsPerSecond}{destination_namespace="ns"} ${rps}`,
  `${QUEUE_METRICS.proxiedRequestsPerSecond} 0`,
  `${QUEUE_METRICS.uptimeSeconds} 12.5`,
  '',
].join('\n');

describe('parsePrometheusText', () => {
  it("reads the queue-proxy's metrics, with or without labels, skipping comments", () => {
    const m = parsePrometheusText(body(2.5, 1, 10));
    expect(statOfPod(m)).toEqual({ concurrency: 2.5, proxiedConcurrency: 1, rps: 10, proxiedRps: 0 });
    expect(m.get(QUEUE_METRICS.uptimeSeconds)).toBe(12.5);
  });
  it('skips malformed lines and NaN; reads exponents', () => {
    const m = parsePrometheusText('garbage\nx{a="b"} NaN\ny 1e3\n');
    expect([...m]).toEqual([['y', 1000]]);
  });
});

describe('httpRevisionScraper', () => {
  const servers: Server[] = [];
  let port = 0;
  const listen = (host: string, p: number, text: string) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer((req, res) => {
        if (req.url !== '/metrics') return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
      });
      s.once('error', reject);
      s.listen(p, host, () => resolve(s));
    });

  beforeAll(async () => {
    servers.push(await listen('127.0.0.1', 0, body(3, 1, 20)));
    port = (servers[0]!.address() as AddressInfo).port;
    servers.push(await listen('127.0.0.2', port, body(5, 0, 40)));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('sums the pods', async () => {
    const scrape = httpRevisionScraper({ port });
    const s = await scrape({ namespace: 'ns', name: 'rev' }, [{ name: 'a', ip: '127.0.0.1' }, { name: 'b', ip: '127.0.0.2' }]);
    expect(s).toEqual({ concurrency: 8, proxiedConcurrency: 1, rps: 60, proxiedRps: 0 });
  });

  // Nothing listens on 127.0.0.3 and .4: refused at once. The timeout only keeps a slow machine's answers from
  // counting as none.
  it("extrapolates over a pod that does not answer, as Knative's scraper does from a sample", async () => {
    const scrape = httpRevisionScraper({ port, timeoutMs: 10_000 });
    const s = await scrape({ namespace: 'ns', name: 'rev' }, [
      { name: 'a', ip: '127.0.0.1' }, { name: 'b', ip: '127.0.0.2' }, { name: 'c', ip: '127.0.0.3' }, { name: 'd', ip: '127.0.0.4' },
    ]);
    expect(s).toEqual({ concurrency: 16, proxiedConcurrency: 2, rps: 120, proxiedRps: 0 });
  });

  it('fails when no pod answers', async () => {
    const scrape = httpRevisionScraper({ port, timeoutMs: 10_000 });
    await expect(scrape({ namespace: 'ns', name: 'rev' }, [{ name: 'c', ip: '127.0.0.3' }])).rejects.toThrow(/no pod of ns\/rev answered/);
  });
});
