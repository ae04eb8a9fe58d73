// `bench export`: the generated models of a catalogue (at one latent size, width and precision) copied
// out of the store into a folder with a manifest, e.g. to convert them with vendor tools or to hand
// them to `bench blocks --models`.
import { existsSync, linkSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { copyFileAtomic, writeFileAtomic } from '../atomic-write.js';
import { loadCatalog } from '../catalog/load.js';
import type { Precision } from '../lut/schema.js';
import type { Manifest } from '../onnx/manifest.js';
import { ModelStore } from '../onnx/store.js';
import { defaultCatalogFile, defaultStoreDir } from '../paths.js';
import type { ProgressListener } from './events.js';
import { planBlocks } from './plan.js';

export interface ExportOptions {
  out: string;
  catalogFile?: string;
  latent: number;
  width: number;
  precision: Precision;
  seed: number;
  select: string[];
  storeDir?: string;
  onProgress?: ProgressListener;
}

export interface ExportResult {
  manifestFile: string;
  models: number;
  files: number;
  bytes: number;
}

export async function runExport(o: ExportOptions): Promise<ExportResult> {
  const catalog = loadCatalog(o.catalogFile ?? defaultCatalogFile());
  const store = new ModelStore(o.storeDir ?? defaultStoreDir(), {
    onGenerate: (what, bytes) => o.onProgress?.({ type: 'generate', what, bytes }),
  });
  const { entries } = await planBlocks({
    catalog,
    latent: o.latent,
    width: o.width,
    precision: o.precision,
    seed: o.seed,
    select: o.select,
    store,
  });
  const out = resolve(o.out);
  const copied = new Set<string>();
  let bytes = 0;
  const models: Manifest['models'] = [];
  for (const e of entries) {
    for (const f of e.model.files) {
      if (copied.has(f)) continue;
      const src = join(e.model.root, f);
      const dst = join(out, f);
      mkdirSync(dirname(dst), { recursive: true });
      if (!existsSync(dst) || statSync(dst).size !== statSync(src).size) {
        try {
          linkSync(src, dst);
        } catch {
          copyFileAtomic(src, dst);
        }
      }
      copied.add(f);
      bytes += statSync(dst).size;
    }
    models.push(
      e.key.kind === 'part'
        ? { part: e.key.stage!, file: e.model.graph, sha256: e.model.sha256 }
        : { stage: e.key.stage!, variant: e.key.variant!, file: e.model.graph, sha256: e.model.sha256 },
    );
  }
  const manifest: Manifest = {
    schemaVersion: 1,
    catalog: catalog.spec.name,
    latent: o.latent,
    width: o.width,
    precision: o.precision,
    models,
  };
  const manifestFile = join(out, 'manifest.json');
  writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifestFile, models: models.length, files: copied.size, bytes };
}
