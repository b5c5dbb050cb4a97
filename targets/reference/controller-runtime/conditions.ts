export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  severity?: string;
}

/** Sets a condition, keeping its lastTransitionTime unless its status changes (as knative.dev/pkg does). */
export function setCondition(
  conditions: Condition[] | undefined,
  type: string,
  status: Condition['status'],
  reason?: string,
  message?: string,
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === type);
  const prev = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type,
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastTransitionTime: prev && prev.status === status ? (prev.lastTransitionTime ?? new Date().toISOString()) : new Date().toISOString(),
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list.sort((a, b) => a.type.localeCompare(b.type));
}

export function conditionOf(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: Condition[] | undefined, type: string): boolean {
  return conditionOf(conditions, type)?.status === 'True';
}

/** The happy condition that summarises `deps`: False if any is False, Unknown if any is not True, else True. */
export function summarise(conditions: Condition[], happy: string, deps: string[]): Condition[] {
  const found = deps.map((d) => conditionOf(conditions, d));
  const failed = found.find((c) => c?.status === 'False');
  if (failed) return setCondition(conditions, happy, 'False', failed.reason, failed.message);
  const pending = found.find((c) => c?.status !== 'True');
  if (pending || found.includes(undefined)) {
    return setCondition(conditions, happy, 'Unknown', pending?.reason ?? 'Pending', pending?.message);
  }
  return setCondition(conditions, happy, 'True');
}
