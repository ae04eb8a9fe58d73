import type { ChannelSpec } from './schema.js';

/** A channel count after any width name is looked up: a number (scales) or `{fixed}` (never scales). */
export type ConcreteChannels = Exclude<ChannelSpec, string>;

/**
 * Channels at a width multiplier: scaled, rounded to the nearest multiple of `multiple` and never
 * below it, so GroupNorm(32) and 8 attention heads always fit. `{fixed}` channels never scale.
 */
export function scaleChannels(spec: ConcreteChannels, width: number, multiple: number): number {
  if (typeof spec !== 'number') return spec.fixed;
  if (width === 1) return spec;
  return Math.max(multiple, Math.round((spec * width) / multiple) * multiple);
}

export function describeChannels(spec: ChannelSpec): string {
  if (typeof spec === 'string') return spec;
  return typeof spec === 'number' ? String(spec) : `${spec.fixed} (fixed)`;
}
