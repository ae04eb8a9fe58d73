// Store size and generation time of the VAE and the text encoder at 512x512-pixel tiles (latent 64),
// each unit once, in a fresh store: the teacher VAE's two graphs, then every other VAE variant (only
// the units the teacher lacks are new), then CLIP's text encoder; and, with --tile, the per-tile
// pipeline graph around the smallest U-Net candidate (its U-Net weights generated, the VAE's linked).
// Run: npx tsx bench/pipeline-store.ts [--fp16] [--tile] [--keep]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../src/catalog/load.js';
import { partGraphSpec, stageGraphSpec } from '../src/onnx/group-graph.js';
import { ModelStore } from '../src/onnx/store.js';
import type { ModelFiles } from '../src/runners/types.js';

const precision = process.argv.includes('--fp16') ? 'fp16' : 'fp32';
const settings = { precision, seed: 1 } as const;
const root = mkdtempSync(join(tmpdir(), 'nsb-pipeline-store-'));
const store = new ModelStore(root);
const vae = loadCatalog('block-variants/sd15-vae.json');
const text = loadCatalog('block-variants/sd15-text-encoder.json');
const unet = loadCatalog('block-variants/sd15-nanosd.json');

/** Bytes of regular files under a folder, each inode once (hard links are not extra bytes). */
function folderBytes(dir: string, seen = new Set<number>()): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) total += folderBytes(path, seen);
    else if (!seen.has(st.ino)) {
      seen.add(st.ino);
      total += st.size;
    }
  }
  return total;
}

const rows: string[][] = [];
function step(what: string, fn: () => ModelFiles[], params: number): void {
  const before = folderBytes(root);
  const t0 = performance.now();
  const models = fn();
  const seconds = (performance.now() - t0) / 1000;
  const added = folderBytes(root) - before;
  const weightBytes = params * (precision === 'fp32' ? 4 : 2);
  rows.push([
    what,
    String(models.length),
    params.toLocaleString('en-US'),
    `${(added / 1e6).toFixed(1)} MB`,
    `${(weightBytes / 1e6).toFixed(1)} MB`,
    `${seconds.toFixed(1)} s`,
  ]);
}

const v = vae.resolve(64, 1);
const [encoder, decoder] = v.stages;
const teacherGraphs = () =>
  v.stages.map((s) => store.ensureGroup(v, stageGraphSpec(s, s.variants[s.teacher]!), `${s.name}.teacher`, settings));
step('VAE teacher (encoder + decoder)', teacherGraphs, encoder!.variants[0]!.params + decoder!.variants[0]!.params);

const newUnits = new Map<string, number>();
for (const s of v.stages)
  for (const variant of s.variants.slice(1))
    for (const u of variant.units)
      if (!s.variants[0]!.units.some((t) => t.name === u.name && t.cin === u.cin && t.out === u.out))
        newUnits.set(`${s.name}/${u.name}/${u.cin}/${u.out}`, u.params);
step(
  'VAE, the other 10 variants',
  () =>
    v.stages.flatMap((s) =>
      s.variants.slice(1).map((x) => store.ensureGroup(v, stageGraphSpec(s, x), `${s.name}.${x.name}`, settings)),
    ),
  [...newUnits.values()].reduce((a, b) => a + b, 0),
);

const t = text.resolve(64, 1);
step(
  'text encoder (CLIP ViT-L/14)',
  () => [store.ensureGroup(t, partGraphSpec(t.parts[0]!), 'part.text_encoder', settings)],
  t.parts[0]!.params,
);

if (process.argv.includes('--tile')) {
  const u = unet.resolve(64, 1);
  const smallest = u.stages.map((s) => s.variants.length - 1);
  const unetParams =
    u.parts.reduce((a, p) => a + p.params, 0) + u.stages.reduce((a, s, i) => a + s.variants[smallest[i]!]!.params, 0);
  step(
    'per-tile graph, smallest U-Net, teacher VAE (U-Net weights new)',
    () => [
      store.ensurePipelineTile(
        {
          catalogs: { unet, vae },
          candidate: smallest,
          vaeVariant: 'teacher',
          steps: 1,
          latent: 64,
          width: 1,
          precision,
        },
        settings,
      ),
    ],
    unetParams,
  );
}

const header = [
  'what (512x512 tiles, ' + precision + ')',
  'graphs',
  'new parameters',
  'store grew by',
  'parameter bytes',
  'time',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows])
  process.stdout.write(`${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}\n`);
process.stdout.write(`store total ${(folderBytes(root) / 1e6).toFixed(1)} MB in ${root}\n`);
if (!process.argv.includes('--keep')) rmSync(root, { recursive: true, force: true });
