// The latency lookup table (LUT): one JSON file per device x runtime. Everything downstream (predict,
// search, reports, regression verdicts) reads nothing but these files, so the schema is the contract.
// The published JSON Schema (schemas/lut.schema.json) is generated from this file.
import { z } from 'zod';

export const LUT_SCHEMA_ID = 'nanosd-bench/lut';
/**
 * Version 2 added, all optional: `key.steps` (pipeline tile graphs) and `peakMemoryBytes` per entry.
 * A table is written with the lowest version its content needs (see `lutSchemaVersionFor`), so a
 * table of blocks stays readable by harnesses that know only version 1.
 */
export const LUT_SCHEMA_VERSION = 2;

export const entryKinds = ['block', 'candidate', 'pipeline', 'part'] as const;
export type EntryKind = (typeof entryKinds)[number];
export const precisions = ['fp32', 'fp16'] as const;
export type Precision = (typeof precisions)[number];

/** What identifies an entry: the same key in two LUTs means the same thing was measured. */
export const entryKeySchema = z
  .strictObject({
    kind: z.enum(entryKinds),
    /** block: the stage; part: the part name (conv_in, time_mlp, conv_out). */
    stage: z.string().optional(),
    /** block: the variant name. */
    variant: z.string().optional(),
    /** candidate / pipeline: the candidate code (names form). */
    arch: z.string().optional(),
    /** pipeline tile graphs: denoising steps of the U-Net inside the graph. */
    steps: z.number().int().positive().optional(),
    latent: z.number().int().positive(),
    width: z.number().positive(),
    precision: z.enum(precisions),
  })
  .meta({ id: 'EntryKey' });
export type EntryKey = z.infer<typeof entryKeySchema>;

/** Summary statistics of the samples, all in milliseconds (see src/stats for definitions). */
export const statsSchema = z
  .strictObject({
    n: z.number().int().nonnegative(),
    median: z.number(),
    mean: z.number(),
    min: z.number(),
    max: z.number(),
    p10: z.number(),
    p90: z.number(),
    p99: z.number(),
    /** Median absolute deviation scaled by 1.4826 (a consistent estimate of sigma for normal data). */
    mad: z.number(),
    iqr: z.number(),
    /** Distribution-free 95% confidence interval of the median (order statistics). */
    ci95: z.tuple([z.number(), z.number()]),
    /** Relative margin: CI half-width / median. */
    rme: z.number(),
  })
  .meta({ id: 'EntryStats' });
export type EntryStats = z.infer<typeof statsSchema>;

export const entryFlags = [
  /** Tukey-fence outliers were present (they are kept, never dropped). */
  'outliers',
  /** Latency rose with iteration index within the sample (drift or throttling). */
  'trend',
  /** The device reported throttling or was above its temperature limit during the entry. */
  'throttled',
  /** The sampling cap was hit before the relative margin reached its target. */
  'margin-not-reached',
  /** Work ran on the CPU instead of the accelerator the profile asked for. */
  'cpu-fallback',
  /** The first timed run (after warm-up) was much slower than the median: the warm-up was too short. */
  'first-run-slow',
  /**
   * The rounds' medians differ by more than their own noise explains (Cochran's Q): the machine drifted
   * between rounds.
   */
  'rounds-disagree',
] as const;
export type EntryFlag = (typeof entryFlags)[number];

export const temperaturesSchema = z.record(z.string(), z.number());

/** Why an entry has no statistics: the error of a failed entry, the reason a skipped one was not run. */
export const entryErrorSchema = z.strictObject({ code: z.string(), message: z.string() }).meta({ id: 'EntryError' });
export type EntryError = z.infer<typeof entryErrorSchema>;

// The fields every entry has, whatever its state, in the order the table has always listed them
// (parsing writes keys in schema order, so a table read and written again keeps its layout).
const entryIdentity = {
  /** Canonical string form of the key, unique within a LUT (see lut/key.ts). */
  id: z.string(),
  key: entryKeySchema,
  model: z
    .strictObject({
      /** Content hash of the model (graph and weights) that was measured. */
      sha256: z.string(),
      params: z.number().int().nonnegative(),
      macs: z.number().nonnegative(),
      source: z.enum(['generated', 'manifest']),
    })
    .meta({ id: 'EntryModel' }),
};
const entrySamples = {
  /** `iteration`: one sample per timed inference; `process`: one aggregate per benchmark process. */
  sampleKind: z.enum(['iteration', 'process']),
  /** Raw samples in ms, in the order they were taken (rounds concatenated). */
  samples: z.array(z.number()),
  /** Which round each sample came from (same length as samples). */
  sampleRounds: z.array(z.number().int().nonnegative()).optional(),
  rounds: z.number().int().nonnegative(),
};
const entryRecord = {
  /** The relative margin the protocol aimed for. */
  targetRme: z.number().nonnegative().optional(),
  flags: z.array(z.enum(entryFlags)).meta({ id: 'EntryFlags' }),
  outliers: z
    .strictObject({
      lowMild: z.number().int(),
      highMild: z.number().int(),
      lowSevere: z.number().int(),
      highSevere: z.number().int(),
    })
    .meta({ id: 'EntryOutliers' })
    .optional(),
  temperatures: z
    .strictObject({ before: temperaturesSchema, after: temperaturesSchema })
    .meta({ id: 'EntryTemperatures' })
    .optional(),
  /**
   * Peak memory of the measuring process in bytes, as the runner reports it (ort-node: resident set
   * size; onnxruntime_perf_test: peak working set; benchmark_model: peak memory footprint). The
   * largest over the entry's rounds; absent when the runner does not report it.
   */
  peakMemoryBytes: z.number().nonnegative().optional(),
  /** Wall time the harness spent on the entry (push, process start, load, warm-up, samples). */
  hostMs: z.number().nonnegative().optional(),
  /** Runner-specific extras (session load time, accelerator time, the provider that really ran, ...). */
  extra: z.record(z.string(), z.unknown()).optional(),
  measuredAt: z.string().optional(),
};

/** Measured: its samples (never empty, checked when a table is read) and their statistics. */
export const okEntrySchema = z.strictObject({
  ...entryIdentity,
  state: z.literal('ok'),
  ...entrySamples,
  stats: statsSchema,
  ...entryRecord,
});
/** Not measured to the end: the error, and whatever samples came before it. */
export const failedEntrySchema = z.strictObject({
  ...entryIdentity,
  state: z.literal('failed'),
  error: entryErrorSchema,
  ...entrySamples,
  ...entryRecord,
});
/** Not run: the reason, in the same field as a failure's error. */
export const skippedEntrySchema = z.strictObject({
  ...entryIdentity,
  state: z.literal('skipped'),
  error: entryErrorSchema,
  ...entrySamples,
  ...entryRecord,
});

/** One entry, told apart by its state: only an ok entry has statistics, only the others an error. */
export const lutEntrySchema = z.discriminatedUnion('state', [okEntrySchema, failedEntrySchema, skippedEntrySchema]);
export type LutEntry = z.infer<typeof lutEntrySchema>;
export type OkEntry = z.infer<typeof okEntrySchema>;
export type FailedEntry = z.infer<typeof failedEntrySchema>;
export type SkippedEntry = z.infer<typeof skippedEntrySchema>;

export const lutSchema = z.strictObject({
  $schema: z.string().optional(),
  schema: z.literal(LUT_SCHEMA_ID),
  schemaVersion: z.number().int().positive(),
  harness: z.strictObject({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  device: z.strictObject({
    /** The profile name the run used. */
    profile: z.string(),
    /** Stable hash of model, SoC, OS build and ABI: tables with different fingerprints are not compared. */
    fingerprint: z.string(),
    info: z.record(z.string(), z.unknown()),
  }),
  runtime: z.strictObject({
    runner: z.string(),
    version: z.string(),
    /** Execution provider / backend (cpu, qnn-htp, nnapi, xnnpack, coreml, ...). */
    ep: z.string(),
    precision: z.enum(precisions),
    threads: z.number().int().nonnegative().optional(),
    options: z.record(z.string(), z.unknown()),
  }),
  catalog: z.strictObject({ name: z.string(), hash: z.string() }),
  protocol: z.record(z.string(), z.unknown()),
  /**
   * This machine's run-to-run spread of a whole table's level (sd of its log), learnt from several
   * tables of this configuration (`bench report regression --baseline A --baseline B ... --save-baseline`).
   * A whole-suite shift within it is what the machine does between runs, not a regression.
   */
  runSpread: z
    .strictObject({ sd: z.number().nonnegative(), runs: z.number().int().min(2), learntAt: z.string().optional() })
    .optional(),
  entries: z.array(lutEntrySchema),
});
export type Lut = z.infer<typeof lutSchema>;

/** The lowest schema version that describes these entries (version 2 fields are all optional). */
export function lutSchemaVersionFor(entries: readonly LutEntry[]): number {
  return entries.some((e) => e.key.steps !== undefined || e.peakMemoryBytes !== undefined) ? 2 : 1;
}
