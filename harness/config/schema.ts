import { z } from 'zod';
import { LEVELS, PROFILES } from '../requirements/types.ts';
import { WaiverListSchema } from './waivers.ts';

export const TARGETS = ['reference', 'kind', 'kubeconfig'] as const;
export type TargetKind = (typeof TARGETS)[number];

export const SettingsSchema = z
  .object({
    readyTimeoutSeconds: z.number().positive().default(60),
    requestTimeoutSeconds: z.number().positive().default(30),
    coldStartP95Seconds: z.number().positive().default(10),
    gateway: z
      .object({
        namespace: z.string().min(1).default('istio-system'),
        name: z.string().min(1).default('istio-ingressgateway'),
        portName: z.string().min(1).default('http2'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const ConfigSchema = z
  .object({
    target: z.enum(TARGETS).optional(),
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    suites: z.array(z.string().min(1)).optional(),
    requirements: z.array(z.string().min(1)).optional(),
    level: z.enum(LEVELS).optional(),
    /** Only conformance (upstream's normative clauses) or only operational requirements; default both. */
    profile: z.enum(PROFILES).optional(),
    /**
     * Declared deviations (harness/config/waivers.ts): a waiver file's path (YAML or JSON, from the working
     * directory), or the list itself. `--waivers FILE` overrides it.
     */
    waivers: z
      .union([z.string().min(1), WaiverListSchema], { error: 'a waiver file\'s path, or a list of waivers (requirement, reason, expires)' })
      .optional(),
    reportDir: z.string().min(1).optional(),
    mutant: z.string().min(1).optional(),
    /** Suite files run at once (default 3, for 2 cores); requirements still hold the target alone while they load. */
    workers: z.number().int().min(1).max(32).optional(),
    settings: SettingsSchema.prefault({}),
  })
  .strict();

/** What a user writes in gauntlet.config.ts. */
export type GauntletConfig = z.input<typeof ConfigSchema>;
export type ResolvedConfig = z.output<typeof ConfigSchema>;

/** Typed helper for gauntlet.config.ts: `export default defineConfig({ ... })`. */
export function defineConfig(config: GauntletConfig): GauntletConfig {
  return config;
}
