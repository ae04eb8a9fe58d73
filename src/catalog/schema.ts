// The catalogue file format. A catalogue describes one model family as data (a U-Net, a VAE, a text
// encoder): named tensors, fixed parts (stems) and searchable stages, each stage a pool of units and a
// list of variants that pick units by name and may set the stage's named channel widths. Everything a
// reading of the paper may change (which units a variant keeps, channel widths per level, which skips
// exist) is expressed here, never in TypeScript.
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/, 'letters, digits, _ . + - only (used in file names)');
/** A named channel width of a stage (`c0`), set per variant. */
const widthSymbol = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a width name: a letter or _, then letters, digits, _');

/**
 * A channel count: a number scales with the width multiplier; `{fixed: n}` never scales (latent
 * channels); a name refers to the stage's `widths` (as the variant sets them) and scales too.
 */
export const channelSpecSchema = z.union([
  z.number().int().positive(),
  z.strictObject({ fixed: z.number().int().positive() }),
  widthSymbol,
]);
export type ChannelSpec = z.infer<typeof channelSpecSchema>;
/** Channels of a declared tensor: never a stage width name (a tensor's shape is the same in every variant). */
const tensorChannelsSchema = z.union([
  z.number().int().positive(),
  z.strictObject({ fixed: z.number().int().positive() }),
]);

/** An image tensor [1, C, side, side]. */
export const imageTensorSchema = z.strictObject({
  channels: tensorChannelsSchema,
  /**
   * Spatial divisor relative to the latent side: 1, 2, 4, 8, ..., or 1/2, 1/4, 1/8 (0.125) for tensors
   * larger than the latent (a VAE's pixels are 8x the latent side).
   */
  scale: z
    .number()
    .positive()
    .refine(
      (s) => Number.isInteger(s) || Number.isInteger(1 / s),
      'an integer (a divisor) or 1/integer (a multiple), e.g. 0.125',
    ),
  description: z.string().optional(),
});

/** A sequence tensor: token ids [1, length] (with `vocab`) or token vectors [1, length, channels]. */
export const sequenceTensorSchema = z.strictObject({
  length: z.number().int().positive(),
  /** Token ids over a vocabulary of this size, carried as floats in the graph precision. */
  vocab: z.number().int().positive().optional(),
  channels: tensorChannelsSchema.optional(),
  description: z.string().optional(),
});

export const tensorSchema = z.union([imageTensorSchema, sequenceTensorSchema]);
export type TensorSpec = z.infer<typeof tensorSchema>;

export const unitKinds = [
  'resnet',
  'attention',
  'downsample',
  'upsample',
  'conv',
  'time-embedding',
  'norm-conv',
  'self-attention',
  'latent-mean',
  'scale',
  'token-embedding',
  'text-layer',
  'layer-norm',
] as const;
export type UnitKind = (typeof unitKinds)[number];

const padding = z.number().int().nonnegative();

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
  /**
   * Explicit padding [top, left, bottom, right] (ONNX Conv order), for `downsample` units. diffusers'
   * VAE pads (0, 1, 0, 1) in F.pad order, i.e. one row at the bottom and one column at the right: [0, 0, 1, 1].
   */
  pads: z.tuple([padding, padding, padding, padding]).optional(),
  /** For `scale` units: the factor the tensor is multiplied by (or divided by, with `divide`). */
  factor: z.number().positive().optional(),
  divide: z.boolean().optional(),
  /** For `text-layer` units: the feed-forward inner width (default 4x the channels). */
  ff: channelSpecSchema.optional(),
  description: z.string().optional(),
});
export type UnitSpec = z.infer<typeof unitSchema>;

export const variantSchema = z.strictObject({
  name,
  /** Unit names, in execution order, a subsequence of the stage's unit pool. */
  units: z.array(name).min(1),
  /** Values for some of the stage's named widths (the rest keep the stage's values). */
  widths: z.record(widthSymbol, z.number().int().positive()).optional(),
  description: z.string().optional(),
});
export type VariantSpec = z.infer<typeof variantSchema>;

/** What a stage and a part both are: a named block from one main tensor to another, made of units. */
const blockFields = {
  name,
  /** The main input tensor. */
  input: name,
  /** The main output tensor. */
  output: name,
  /** The block's units; in a stage every unit any variant may use, in teacher order (emit positions refer to it). */
  units: z.array(unitSchema).min(1),
};

export const stageSchema = z.strictObject({
  ...blockFields,
  /** Named channel widths the units may use instead of numbers (`c0`: 128), with the teacher's values. */
  widths: z.record(widthSymbol, z.number().int().positive()).optional(),
  /** The variant that is the teacher's own block. */
  teacher: name,
  variants: z.array(variantSchema).min(1),
  description: z.string().optional(),
});
export type StageSpec = z.infer<typeof stageSchema>;

export const partSchema = z.strictObject({
  ...blockFields,
  description: z.string().optional(),
});
export type PartSpec = z.infer<typeof partSchema>;

export const modelConstantsSchema = z.strictObject({
  /**
   * Channels of the time embedding every ResNet receives ([1, tembDim]). Left out for a model without
   * one (a VAE): its ResNets then have no time projection and there is no `timestep`/`temb` tensor.
   */
  tembDim: z.number().int().positive().optional(),
  /** Length of the sinusoidal timestep projection fed to the time MLP (with tembDim). */
  timeProjDim: z.number().int().positive().optional(),
  /** The text context [1, contextLength, contextDim] cross-attention reads (or a text encoder writes). */
  contextLength: z.number().int().positive().optional(),
  contextDim: z.number().int().positive().optional(),
  heads: z.number().int().positive(),
  groups: z.number().int().positive(),
  /** GroupNorm epsilon inside ResNets and the output stem (diffusers: 1e-5). */
  resnetEps: z.number().positive(),
  /** GroupNorm epsilon inside attention and self-attention units (diffusers Transformer2DModel: 1e-6). */
  attentionEps: z.number().positive(),
  /** LayerNorm epsilon inside the transformer block. */
  layerNormEps: z.number().positive(),
  /** Channels are rounded to a multiple of this after width scaling (and never fall below it). */
  channelMultiple: z.number().int().positive(),
});
export type ModelConstants = z.infer<typeof modelConstantsSchema>;

/** What the catalogue describes, so a pipeline can tell its pieces apart. */
export const catalogRoles = ['unet', 'vae', 'text-encoder'] as const;
export type CatalogRole = (typeof catalogRoles)[number];

export const catalogSchema = z.strictObject({
  $schema: z.string().optional(),
  schemaVersion: z.literal(1),
  name,
  /** Default `unet`. A `vae` has stages `encoder` and `decoder`; a `text-encoder` has one part and no stages. */
  role: z.enum(catalogRoles).optional(),
  description: z.string().optional(),
  constants: modelConstantsSchema,
  /** Named tensors flowing between parts and stages. `timestep`, `temb` and `context` are implicit. */
  tensors: z.record(name, tensorSchema),
  parts: z.array(partSchema),
  /** Searchable stages; none for a model with nothing to search (a text encoder). */
  stages: z.array(stageSchema),
  /**
   * Reference parameter counts at width 1. A U-Net's (teacher, a part, or stage.variant -> params) are
   * checked when the file is read; a VAE's or text encoder's name pieces of the original model and are
   * checked by the tests.
   */
  reference: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type CatalogSpec = z.infer<typeof catalogSchema>;
