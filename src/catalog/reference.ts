// The catalogue's `reference` block: parameter counts at width 1 that the file's author took from the
// model it describes (SD1.5's teacher: 523,217,604). They exist to catch a catalogue that does not
// describe that model, so a count the units do not add up to is refused when the file is read.
import { InvalidFileError } from '../errors.js';
import { candidateCost, teacherCandidate } from './candidates.js';
import type { CatalogSpec } from './schema.js';
import type { ResolvedCatalog } from './types.js';

/** `resolved` must be the catalogue at width 1 (parameters do not depend on the latent size). */
export function checkReference(spec: CatalogSpec, resolved: ResolvedCatalog, file: string): void {
  // A VAE's or text encoder's reference names pieces of the original model (with or without its
  // quant convs), not groups of the catalogue: their tests add the units up against them.
  if (resolved.role !== 'unet') return;
  for (const [name, want] of Object.entries(spec.reference ?? {})) {
    const got = referenceParams(resolved, name);
    if (got === undefined) {
      const parts = resolved.parts.map((p) => p.name).join(', ');
      const known = `teacher, a part (${parts}) or stage.variant (e.g. ${example(resolved)})`;
      throw new InvalidFileError(file, `reference.${name}`, `unknown name; use ${known}`);
    }
    if (got !== want) {
      throw new InvalidFileError(
        file,
        `reference.${name}`,
        `${count(want)} parameters, but the catalogue's units give ${count(got)} at width 1`,
      );
    }
  }
}

function referenceParams(cat: ResolvedCatalog, name: string): number | undefined {
  if (name === 'teacher') return candidateCost(cat, teacherCandidate(cat)).params;
  const part = cat.parts.find((p) => p.name === name);
  if (part) return part.params;
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  const stage = cat.stages.find((s) => s.name === name.slice(0, dot));
  return stage?.variants.find((v) => v.name === name.slice(dot + 1))?.params;
}

const count = (n: number) => n.toLocaleString('en-US');

function example(cat: ResolvedCatalog): string {
  const s = cat.stages[0]!;
  return `${s.name}.${s.variants[0]!.name}`;
}
