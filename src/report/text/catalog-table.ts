// `bench catalog` output: parts and stages with their fixed I/O signatures, then every variant with
// its units, parameters and MACs at the chosen latent size and width.
import { candidateCost, spaceSize, teacherCandidate } from '../../catalog/candidates.js';
import type { ResolvedCatalog, TensorSig } from '../../catalog/types.js';
import { formatCount } from './lut-table.js';

const sig = (ts: TensorSig[]) => ts.map((t) => `${t.name}[${t.shape.join(',')}]`).join(' ');

export function renderCatalog(cat: ResolvedCatalog): string {
  const out: string[] = [];
  out.push(`catalogue ${cat.spec.name} (${cat.file})`);
  if (cat.spec.description) out.push(`  ${cat.spec.description}`);
  out.push(headline(cat));
  if (cat.parts.length > 0) {
    out.push('');
    out.push('parts (fixed)');
  }
  for (const p of cat.parts) {
    out.push(
      `  ${p.name.padEnd(10)} ${formatCount(p.params).padStart(9)} ` +
        `params ${formatCount(p.macs).padStart(9)} MACs   ${sig(p.inputs)} -> ${sig(p.outputs)}`,
    );
  }
  for (const s of cat.stages) {
    out.push('');
    out.push(`stage ${s.name}: in ${sig(s.inputs)}`);
    out.push(`${' '.repeat(7 + s.name.length)}out ${sig(s.outputs)}`);
    const width = Math.max(...s.variants.map((v) => v.name.length)) + 2;
    for (const v of s.variants) {
      const units = v.units.map((u) => `${u.name}(${u.cin}->${u.out}@${u.sideIn})`).join(' ');
      const name = (v.name + (v.isTeacher ? ' *' : '')).padEnd(width);
      const params = formatCount(v.params).padStart(9);
      const macs = formatCount(v.macs).padStart(9);
      out.push(`  ${`${v.index}`.padStart(2)} ${name} ${params} params ${macs} MACs   ${units}`);
    }
  }
  const teacher = candidateCost(cat, teacherCandidate(cat));
  const total = `${teacher.params.toLocaleString('en-US')} params, ${formatCount(teacher.macs)} MACs`;
  out.push('');
  if (cat.role === 'vae') out.push(`teacher VAE (* variants): ${total} per tile`);
  else if (cat.role === 'text-encoder') out.push(`text encoder: ${total} per image (once, not per tile)`);
  else out.push(`teacher U-Net (* variants + parts): ${total}`);
  return `${out.join('\n')}\n`;
}

function headline(cat: ResolvedCatalog): string {
  const variants = cat.stages.reduce((a, s) => a + s.variants.length, 0);
  const space = spaceSize(cat).toLocaleString('en-US');
  if (cat.role === 'text-encoder') return `role text-encoder: fixed parts, nothing to search`;
  if (cat.role === 'vae') {
    const image = cat.tensors.get(cat.stages[0]!.input)!.shape;
    const size = `latent ${cat.latent}x${cat.latent} (tile ${image[2]}x${image[3]}), width ${cat.width}`;
    const counts = `${cat.stages.length} stages, ${variants} variants, ${space} encoder x decoder combinations`;
    return `role vae, ${size}; ${counts}`;
  }
  const size = `latent ${cat.latent}x${cat.latent}, width ${cat.width}`;
  return `${size}; ${cat.stages.length} stages, ${variants} variants, ${space} candidates`;
}

export function catalogJson(cat: ResolvedCatalog): unknown {
  const teacher = candidateCost(cat, teacherCandidate(cat));
  return {
    catalog: cat.spec.name,
    role: cat.role,
    file: cat.file,
    hash: cat.hash,
    latent: cat.latent,
    width: cat.width,
    candidates: spaceSize(cat),
    teacher,
    parts: cat.parts.map((p) => ({
      name: p.name,
      inputs: p.inputs,
      outputs: p.outputs,
      params: p.params,
      macs: p.macs,
      units: p.units,
    })),
    stages: cat.stages.map((s) => ({
      name: s.name,
      inputs: s.inputs,
      outputs: s.outputs,
      teacher: s.variants[s.teacher]?.name,
      variants: s.variants.map((v) => ({
        index: v.index,
        name: v.name,
        teacher: v.isTeacher,
        widths: v.widths,
        params: v.params,
        macs: v.macs,
        units: v.units,
        emits: v.emits,
      })),
    })),
  };
}
