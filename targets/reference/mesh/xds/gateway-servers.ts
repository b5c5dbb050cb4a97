import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { MeshSnapshot } from '../snapshot.ts';
import { hostMatches } from './mesh-hosts.ts';
import { matches, oldestFirst } from './peer-authentication.ts';

// The parts of Istio's Gateway API the translation reads (narrower than the generated model's types).
interface ServerSpec {
  name?: string;
  port?: { number?: number; name?: string; protocol?: string };
  hosts?: string[];
  bind?: string;
  tls?: { httpsRedirect?: boolean; mode?: string };
}
interface GatewaySpec {
  selector?: Record<string, string>;
  servers?: ServerSpec[];
}

const specOf = (gw: IGateway) => gw.spec as GatewaySpec | undefined;

/** The ingress gateway the mesh configures: Istio's istio-ingressgateway, as the reference publishes it. */
export interface IngressGatewayWorkload {
  namespace: string;
  /** Its Service: a Gateway server is served when its port is one of the Service's ports or target ports. */
  service: string;
  /** The gateway workload's labels, which Gateways select (`istio: ingressgateway`). */
  labels: Record<string, string>;
  /** Its identity: `spiffe://<trust domain>/ns/<namespace>/sa/<serviceAccount>`. */
  serviceAccount: string;
}

/** A plaintext HTTP server of a Gateway that applies to the ingress gateway. */
export interface GatewayServer {
  /** `<namespace>/<name>` of its Gateway: how VirtualServices name it once resolved. */
  gateway: string;
  gatewayNamespace: string;
  /** The port as the server declares it: what a VirtualService match's `port` compares to. */
  port: number;
  hosts: string[];
}

/** Istio's HTTP protocols (protocol.IsHTTP) that need no TLS on the listener. */
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

/**
 * The servers the ingress gateway serves, as istiod's mergeGateways for the gateway's proxy: Gateways of every
 * namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE off, Istio's default) whose selector the workload's labels satisfy
 * (no selector: every gateway), oldest first; of their servers, the plaintext HTTP ones on a port of the
 * gateway's Service (its port, which istiod translates to the target port, or the target port itself): the
 * reference's gateway has one HTTP listener there. Whatever else a selected Gateway declares is reported to `warn`.
 */
export function gatewayServers(snapshot: Pick<MeshSnapshot, 'gateways' | 'services'>, workload: IngressGatewayWorkload, warn: (m: string) => void): GatewayServer[] {
  const gateways = [...snapshot.gateways].sort(oldestFirst).filter((gw) => {
    const selector = specOf(gw)?.selector;
    return selector === undefined || matches(selector, workload.labels);
  });
  const service = snapshot.services.find((s) => s.namespace === workload.namespace && s.name === workload.service);
  const ports = new Set(service?.ports.flatMap((p) => [p.port, p.targetPort]) ?? []);
  const portsText = service ? service.ports.map((p) => `${p.port}->${p.targetPort}`).join(', ') : 'no such Service';
  const out: GatewayServer[] = [];
  for (const gw of gateways) {
    const namespace = gw.metadata?.namespace ?? 'default';
    const gateway = `${namespace}/${gw.metadata?.name ?? ''}`;
    (specOf(gw)?.servers ?? []).forEach((server, i) => {
      const number = server.port?.number ?? 0;
      const protocol = (server.port?.protocol ?? '').toUpperCase();
      const where = `Gateway ${gateway} server ${server.name ?? server.port?.name ?? i} (port ${number}, ${protocol || 'no protocol'})`;
      if (!HTTP_PROTOCOLS.has(protocol)) {
        warn(`${where}: not served; the ingress gateway serves plaintext HTTP servers only (no TLS termination or passthrough, no TCP)`);
      } else if (server.tls?.httpsRedirect) {
        warn(`${where}: tls.httpsRedirect is not supported (no HTTPS servers); not served`);
      } else if (!ports.has(number)) {
        warn(`${where}: not served; the port is no port or target port of Service ${workload.namespace}/${workload.service} (${portsText})`);
      } else {
        if (server.bind) warn(`${where}: bind ${server.bind} is not supported; served on the gateway's listener`);
        out.push({ gateway, gatewayNamespace: namespace, port: number, hosts: (server.hosts ?? []).map((h) => h.toLowerCase()) });
      }
    });
  }
  return out;
}

/**
 * The hosts of a server a VirtualService of `vsNamespace` may bind, as istio's host.NamesForNamespace: a plain
 * host, or `<ns>/<host>` where `<ns>` is the VirtualService's namespace, `*`, or `.` (the Gateway's own namespace).
 */
export function serverHostsFor(server: GatewayServer, vsNamespace: string): string[] {
  return server.hosts.flatMap((h) => {
    const slash = h.indexOf('/');
    if (slash < 0) return [h];
    const ns = h.slice(0, slash);
    const visible = ns === '*' || ns === vsNamespace || (ns === '.' && server.gatewayNamespace === vsNamespace);
    return visible ? [h.slice(slash + 1)] : [];
  });
}

/**
 * The hosts a server admits of a VirtualService's (resolved) hosts, as istio's host.Names.Intersection: for
 * each pair of which one covers the other (`*`, `*.suffix`, or equal), the narrower one, once.
 */
export function admittedHosts(serverHosts: readonly string[], vsHosts: readonly string[]): string[] {
  const out: string[] = [];
  const add = (h: string) => {
    if (!out.includes(h)) out.push(h);
  };
  for (const s of serverHosts) {
    for (const v of vsHosts) {
      if (hostMatches(v, s)) add(s);
      else if (hostMatches(s, v)) add(v);
    }
  }
  return out;
}
