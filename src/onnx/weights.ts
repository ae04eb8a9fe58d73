// Seeded random weights. Latency does not depend on weight values for dense models, so every graph is
// generated with deterministic pseudo-random weights: the same (seed, stage, unit, tensor) always gives
// the same values, on any machine, so a unit's weight file is identical in every variant that uses it.
import { constants } from 'node:buffer';
import { UsageError } from '../errors.js';
import { toHalf } from './half.js';

export type WeightInit = { kind: 'uniform'; bound: number } | { kind: 'fill'; value: number };

export interface WeightSpec {
  /** Name inside the unit, e.g. `conv1.weight`. */
  local: string;
  dims: number[];
  init: WeightInit;
}

/** FNV-1a over a string: a stable 32-bit seed per tensor. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Fills `out` with the tensor's values. Uniform values use xorshift32, seeded per tensor; the bound
 * follows PyTorch's default initialisation for conv and linear layers (1/sqrt(fan_in)), which keeps
 * activations finite in fp16 too.
 */
export function fillWeights(spec: WeightSpec, seedText: string, out: Float32Array): void {
  if (spec.init.kind === 'fill') {
    out.fill(spec.init.value);
    return;
  }
  let s = hash32(seedText) || 0x9e3779b9;
  const scale = (2 * spec.init.bound) / 4294967296;
  const bound = spec.init.bound;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) * scale - bound;
  }
}

/** Values of one tensor the generator can hold: it fills a Float32Array whose bytes must fit one buffer. */
export const MAX_TENSOR_VALUES = Math.floor(constants.MAX_LENGTH / 4);

function tooLarge(spec: WeightSpec, why: string): UsageError {
  return new UsageError(
    `weight ${spec.local} [${spec.dims.join(', ')}] (${elementCount(spec.dims).toExponential(3)} values) ${why}; ` +
      'use a smaller --width or --latent',
  );
}

/** The tensor's bytes in the graph's precision. */
export function weightBytes(spec: WeightSpec, seedText: string, precision: 'fp32' | 'fp16'): Uint8Array {
  let values: Float32Array;
  try {
    values = new Float32Array(elementCount(spec.dims));
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(spec, `does not fit in memory (${error.message})`);
    throw error;
  }
  fillWeights(spec, seedText, values);
  if (precision === 'fp32') return new Uint8Array(values.buffer);
  const half = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) half[i] = toHalf(values[i]!);
  return new Uint8Array(half.buffer);
}

/** Byte alignment of each tensor inside a weight file, so runtimes can map tensors in place. */
export const WEIGHT_ALIGNMENT = 4096;

export interface WeightLayout {
  spec: WeightSpec;
  offset: number;
  length: number;
}

/** Offsets of each tensor in the unit's weight file: declaration order, aligned. */
export function layoutWeights(
  specs: readonly WeightSpec[],
  precision: 'fp32' | 'fp16',
): { tensors: WeightLayout[]; size: number } {
  const bytesPer = precision === 'fp32' ? 4 : 2;
  let offset = 0;
  // Checked before any file is opened: a width forced far past the usual range fails here in one line.
  for (const spec of specs) {
    if (elementCount(spec.dims) > MAX_TENSOR_VALUES) {
      throw tooLarge(spec, `is larger than one tensor can be (${MAX_TENSOR_VALUES} values)`);
    }
  }
  const tensors = specs.map((spec) => {
    offset = Math.ceil(offset / WEIGHT_ALIGNMENT) * WEIGHT_ALIGNMENT;
    const length = elementCount(spec.dims) * bytesPer;
    const entry = { spec, offset, length };
    offset += length;
    return entry;
  });
  return { tensors, size: offset };
}
