// Seeded randomness. Everything random in the harness (round order, bootstrap resamples, synthetic
// test data) goes through these so that a verdict or an order can be reproduced from its seed.
import { shuffle } from 'simple-statistics';

/** mulberry32: a small 32-bit generator, plenty for resampling; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A copy of `xs` in a uniformly random order: simple-statistics' Fisher-Yates, which swaps position
 * i (from the last down) with floor(rng() * (i + 1)). A seed's order is part of what makes a run
 * reproducible, so a test pins it to that loop.
 */
export function shuffled<T>(xs: readonly T[], rng: () => number): T[] {
  return shuffle(xs.slice(), rng);
}

/**
 * A 32-bit seed derived from a base seed and a name (FNV-1a over the name, mixed with the seed), so
 * that the random stream of one entry does not change when other entries are added or reordered.
 */
export function seedFor(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // One extra avalanche round so that seeds differing in one bit give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** A standard normal deviate (Box-Muller) from a uniform generator. */
export function gaussian(rng: () => number): number {
  let u = rng();
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
