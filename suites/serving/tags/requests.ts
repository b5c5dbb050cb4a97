import { httpRequest, type GatewayAddress } from '../../../harness/index.ts';
import { revisionOf, TEMPLATE_HEADER } from '../revision-identity.ts';

/** Requests per URL: 0.9^30 < 5%, so a URL misrouting >= 10% of its requests is caught at 95% confidence. */
export const TAG_REQUESTS = 30;

/**
 * `TAG_REQUESTS` GETs to `url`, one after the other on fresh connections; counts who answered: the
 * revision whose template token the probe answered in `x-gauntlet-template` (../revision-identity.ts), or
 * `HTTP <status>` / `no response` when the probe did not.
 */
export async function revisionsAnswering(url: string, via: GatewayAddress, timeoutMs: number, signal?: AbortSignal): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < TAG_REQUESTS; i++) {
    let key: string;
    try {
      const res = await httpRequest({ url, via, timeoutMs, ...(signal ? { signal } : {}) });
      const revision = revisionOf(res.headers[TEMPLATE_HEADER]);
      key = res.status === 200 && revision !== undefined ? revision : `HTTP ${res.status}`;
    } catch (e) {
      if (signal?.aborted) throw e;
      key = 'no response';
    }
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
