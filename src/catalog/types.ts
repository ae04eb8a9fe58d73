// Resolved catalogue: the file's stages, parts and variants with concrete channels, shapes, parameter
// and MAC counts for one latent size and width multiplier.
import type { CatalogRole, CatalogSpec, ModelConstants, UnitKind } from './schema.js';

/** A graph input or output: name and shape (batch 1, NCHW for image tensors). */
export interface TensorSig {
  name: string;
  shape: number[];
}

export interface ResolvedUnit {
  name: string;
  kind: UnitKind;
  /** Channels of the main tensor entering the unit. */
  in: number;
  out: number;
  /** A skip concatenated before the unit, with its channels. */
  concat?: { tensor: string; channels: number };
  /** Main-input channels plus concatenated channels. */
  cin: number;
  /** Spatial side entering and leaving the unit. */
  sideIn: number;
  sideOut: number;
  kernel?: number;
  /** Tokens of a sequence unit (text encoder), absent for image units. */
  tokens?: number;
  /** Explicit padding [top, left, bottom, right] of a downsampler. */
  pads?: [number, number, number, number];
  /** What a `scale` unit multiplies by (already inverted for a dividing unit). */
  factor?: number;
  /** Feed-forward inner width of a `text-layer`. */
  ff?: number;
  params: number;
  macs: number;
}

export interface ResolvedVariant {
  stage: string;
  name: string;
  index: number;
  isTeacher: boolean;
  units: ResolvedUnit[];
  /** For every emitted skip: the unit whose output it is, or null for the stage input itself. */
  emits: { tensor: string; from: string | null }[];
  /** The stage's named widths as this variant sets them (before the width multiplier). */
  widths: Record<string, number>;
  params: number;
  macs: number;
}

export interface ResolvedStage {
  name: string;
  index: number;
  /** The fixed I/O signature every variant of the stage has (the teacher's). */
  inputs: TensorSig[];
  outputs: TensorSig[];
  input: string;
  output: string;
  teacher: number;
  variants: ResolvedVariant[];
}

export interface ResolvedPart {
  name: string;
  inputs: TensorSig[];
  outputs: TensorSig[];
  units: ResolvedUnit[];
  params: number;
  macs: number;
}

export interface ResolvedCatalog {
  spec: CatalogSpec;
  role: CatalogRole;
  /** Where it was loaded from (for messages). */
  file: string;
  /** sha256 of the canonical catalogue content: part of every model's identity. */
  hash: string;
  latent: number;
  width: number;
  constants: ModelConstants;
  /** Latent sizes must be a multiple of this (the largest spatial divisor). */
  latentMultiple: number;
  stages: ResolvedStage[];
  parts: ResolvedPart[];
  tensors: Map<string, TensorSig>;
}
