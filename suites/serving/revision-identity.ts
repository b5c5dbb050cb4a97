import { randomBytes } from 'node:crypto';
import type { RequirementContext } from '../../harness/index.ts';

/**
 * Which revision answered, known on any platform. The runtime contract makes `K_REVISION` a SHOULD, so the
 * suite does not rely on it: each template the suite applies carries its own token in `GAUNTLET_TEMPLATE`,
 * the probe answers it in `x-gauntlet-template` (fixtures/workloads/probe), and the suite learns which
 * revision carries which token by reading the Revision through the API (the API specification, "Resource
 * Lifecycle", Configuration: "The values of `spec.template.metadata` and `spec.template.spec` MUST be copied
 * to the newly created Revision").
 */
export const TEMPLATE_ENV = 'GAUNTLET_TEMPLATE';
/** The probe's header carrying its template's token. */
export const TEMPLATE_HEADER = 'x-gauntlet-template';

/** A new token for template `i` of Service `service`: unique in the run, readable in evidence. */
export function templateToken(service: string, i: number): string {
  return `${service}-${i}-${randomBytes(3).toString('hex')}`;
}

interface RevisionView {
  metadata?: { name?: string };
  spec?: { containers?: { env?: { name?: string; value?: string }[] }[] };
}

/** Revisions known by their templates' tokens. */
const revisionByToken = new Map<string, string>();

/**
 * Reads Revision `revision` and records that it was made from the template carrying `token`; fails the
 * requirement when the Revision does not carry it (its template was not copied to it, or it is not the
 * revision of that template).
 */
export async function learnRevision(ctx: RequirementContext, revision: string, token: string): Promise<void> {
  const rev = await ctx.cluster.get<RevisionView>({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: revision } });
  const found = ctx.require(rev, `Revision ${revision} cannot be read through the API`).spec?.containers
    ?.flatMap((c) => c.env ?? [])
    .find((e) => e.name === TEMPLATE_ENV)?.value;
  if (found !== token) {
    ctx.fail(
      `Revision ${revision} carries ${TEMPLATE_ENV}=${found ?? '(unset)'}, not the ${token} of the template it was awaited for: ` +
        'spec.template.spec was not copied to the newly created Revision',
    );
  }
  revisionByToken.set(token, revision);
}

/**
 * The revision that answered, from the probe's `x-gauntlet-template` header: its name once learnt,
 * `template <token>` for a token no revision learnt here carries, undefined without the header.
 */
export function revisionOf(header: string | string[] | null | undefined): string | undefined {
  const token = Array.isArray(header) ? header[0] : header;
  if (token === undefined || token === null || token === '') return undefined;
  return revisionByToken.get(token) ?? `template ${token}`;
}
