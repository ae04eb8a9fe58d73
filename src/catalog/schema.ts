// The catalogue file format. A catalogue describes one U-Net family as data: named tensors, fixed parts
// (stems) and searchable stages, each stage a pool of units and a list of variants that pick units by
// name. Everything a reading of the paper may change (which units a variant keeps, channel widths,
// which skips exist) is expressed here, never in TypeScript.
import { z } from 'zod';

/** A channel count: a number scales with the width multiplier; `{fixed: n}` never scales (latent channels). */
export const channelSpecSchema = z.union([
  z.number().int().positive(),
  z.strictObject({ fixed: z.number().int().positive() }),
]);
export type ChannelSpec = z.infer<typeof channelSpecSchema>;

const name = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/, 'letters, digits, _ . + - only (used in file names)');

export const tensorSchema = z.strictObject({
  channels: channelSpecSchema,
  /** Spatial divisor relative to the latent side: 1, 2, 4, 8, ... */
  scale: z.number().int().positive(),
  description: z.string().optional(),
});

export const unitKinds = ['resnet', 'attention', 'downsample', 'upsample', 'conv', 'time-embedding', 'norm-conv'] as const;
export type UnitKind = (typeof unitKinds)[number];

export const unitSchema = z.strictObject({
  name,
  kind: z.enum(unitKinds),
  /** Channels of the main tensor entering the unit (before any concatenated skip). */
  in: channelSpecSchema,
  /** Channels leaving the unit. */
  out: channelSpecSchema,
  /** A skip tensor concatenated on the channel axis before the unit (decoder ResNets). */
  concat: name.optional(),
  /** The main tensor after this position in the teacher order is emitted as this skip tensor. */
  emit: name.optional(),
  /** Kernel size, for `conv` units. */
  kernel: z.number().int().positive().optional(),
  description: z.string().optional(),
});
export type UnitSpec = z.infer<typeof unitSchema>;

export const variantSchema = z.strictObject({
  name,
  /** Unit names, in execution order, a subsequence of the stage's unit pool. */
  units: z.array(name).min(1),
  description: z.string().optional(),
});
export type VariantSpec = z.infer<typeof variantSchema>;

export const stageSchema = z.strictObject({
  name,
  /** The main input tensor. */
  input: name,
  /** The main output tensor. */
  output: name,
  /** Every unit any variant may use, in teacher order (emit positions refer to this order). */
  units: z.array(unitSchema).min(1),
  /** The variant that is the teacher's own block. */
  teacher: name,
  variants: z.array(variantSchema).min(1),
  description: z.string().optional(),
});
export type StageSpec = z.infer<typeof stageSchema>;

export const partSchema = z.strictObject({
  name,
  input: name,
  output: name,
  units: z.array(unitSchema).min(1),
  description: z.string().optional(),
});
export type PartSpec = z.infer<typeof partSchema>;

export const modelConstantsSchema = z.strictObject({
  /** Channels of the time embedding every ResNet receives ([1, tembDim]). */
  tembDim: z.number().int().positive(),
  /** Length of the sinusoidal timestep projection fed to the time MLP. */
  timeProjDim: z.number().int().positive(),
  contextLength: z.number().int().positive(),
  contextDim: z.number().int().positive(),
  heads: z.number().int().positive(),
  groups: z.number().int().positive(),
  /** GroupNorm epsilon inside ResNets and the output stem (diffusers: 1e-5). */
  resnetEps: z.number().positive(),
  /** GroupNorm epsilon inside attention units (diffusers Transformer2DModel: 1e-6). */
  attentionEps: z.number().positive(),
  /** LayerNorm epsilon inside the transformer block. */
  layerNormEps: z.number().positive(),
  /** Channels are rounded to a multiple of this after width scaling (and never fall below it). */
  channelMultiple: z.number().int().positive(),
});
export type ModelConstants = z.infer<typeof modelConstantsSchema>;

export const catalogSchema = z.strictObject({
  $schema: z.string().optional(),
  schemaVersion: z.literal(1),
  name,
  description: z.string().optional(),
  constants: modelConstantsSchema,
  /** Named tensors flowing between parts and stages. `temb` and `context` are implicit. */
  tensors: z.record(name, tensorSchema),
  parts: z.array(partSchema),
  stages: z.array(stageSchema).min(1),
  /** Reference parameter counts at width 1 (teacher, a part, or stage.variant -> params), checked when the file is read. */
  reference: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type CatalogSpec = z.infer<typeof catalogSchema>;
