import type { KubeConfig } from '@kubernetes/client-node';

type Context = Parameters<KubeConfig['applySecurityAuthentication']>[0];
type Dispatcher = NonNullable<ReturnType<Context['getDispatcher']>>;

/**
 * Makes every request through `kc` share kept-alive connections to the API server. @kubernetes/client-node
 * (2.0) gives each request a new undici Agent, so each API call opens (and leaves open) a TLS connection of its
 * own: ~3-5 ms of CPU per call in this process and as much in the API server, on the paths a cold start
 * waits on (scale, bind, pod status, Events). Here the first Agent made for a context is kept and used
 * for every later request of that context; the others, never connected, are left to the garbage collector
 * (closing one costs more: undici builds an error object to destroy it). Returns `kc`.
 */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const shared = new Map<string, Dispatcher>();
  const apply = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (context: Context) => {
    await apply(context);
    const made = context.getDispatcher();
    if (made === undefined) return;
    const key = kc.getCurrentContext();
    const kept = shared.get(key);
    if (kept === undefined) {
      shared.set(key, made);
      return;
    }
    if (made !== kept) context.setDispatcher(kept);
  };
  return kc;
}
