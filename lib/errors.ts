/** Bad input from the user: the CLI prints the message as one line and exits 2, never a stack trace. */
export class UserError extends Error {
  override name = 'UserError';
}

/** The target (cluster or reference) failed in a way that stops the run: exit 2 with this message. */
export class TargetError extends Error {
  override name = 'TargetError';
}

/** A wait that ran out; carries the last state seen, for evidence. */
export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
  readonly lastSeen: unknown;
  constructor(message: string, lastSeen: unknown) {
    super(message);
    this.lastSeen = lastSeen;
  }
}

/** A short message for an ApiException (its status and the API's own message when there is one) or any error, without its stack. */
export function describeError(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && 'body' in e) {
    const code = (e as { code: unknown }).code;
    const body = (e as { body: unknown }).body;
    const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? String(body));
    try {
      const status = JSON.parse(text) as { message?: string };
      if (status.message) return `HTTP ${String(code)}: ${status.message}`;
    } catch {
      // not a Status object
    }
    return `HTTP ${String(code)}: ${text.slice(0, 300)}`;
  }
  return e instanceof Error ? e.message : String(e);
}
