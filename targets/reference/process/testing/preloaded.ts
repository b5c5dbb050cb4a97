/** A module for warm-runtime.test.ts's preload: what the environment said when it was evaluated. */
export const markWhenEvaluated: string | null = process.env.MARK ?? null;
