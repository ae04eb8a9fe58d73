// Model bundles a hostile or careless user could hand to `bench blocks --models`: manifests whose
// `file` climbs out or is absolute, ONNX graphs whose external-data `location` does, symbolic links
// leading out of the bundle, hard links to files elsewhere. Built from a real exported bundle (one
// small part graph and its weights file), so everything but the hostile detail is valid.
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodeModel, encodeModel } from '../../src/onnx/proto.js';

export interface ExportedPart {
  /** The folder `bench export` wrote. */
  dir: string;
  /** The graph file, relative to dir. */
  graph: string;
  /** The weights file its initializers point to, relative to dir. */
  weights: string;
  part: string;
}

/** Reads what `bench export --stages <part>` wrote: its one graph and its one weights file. */
export function exportedPart(dir: string): ExportedPart {
  type Manifest = { models: { part: string; file: string }[] };
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const entry = manifest.models[0]!;
  const weights = readdirSync(join(dir, 'weights')).filter((f) => f.endsWith('.bin'));
  if (weights.length !== 1) throw new Error(`expected one weights file in ${dir}, found ${weights.length}`);
  return { dir, graph: entry.file, weights: `weights/${weights[0]}`, part: entry.part };
}

/** Copies the exported graph and weights into `root`; the graph is named `graphName`. */
export function copyBundle(from: ExportedPart, root: string, graphName = 'model.onnx'): void {
  mkdirSync(join(root, 'weights'), { recursive: true });
  copyFileSync(join(from.dir, from.graph), join(root, graphName));
  copyFileSync(join(from.dir, from.weights), join(root, from.weights));
}

/** A manifest listing one model for the part; returns its path. */
export function writeManifest(root: string, part: string, file: string): string {
  const path = join(root, 'manifest.json');
  writeFileSync(path, JSON.stringify({ schemaVersion: 1, models: [{ part, file }] }, null, 1));
  return path;
}

/** Rewrites the external-data location of the graph's first initializer; returns that initializer's name. */
export function setExternalLocation(graphFile: string, location: string): string {
  const model = decodeModel(readFileSync(graphFile));
  const init = model.graph.initializer[0]!;
  const entry = init.externalData!.find((e) => e.key === 'location')!;
  entry.value = location;
  writeFileSync(graphFile, encodeModel(model));
  return init.name!;
}

/** Every entry under `dir` (recursively) as `path type size`, leaving out the folders in `skip`. */
export function listTree(dir: string, skip: readonly string[] = []): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (skip.includes(path)) continue;
      const st = lstatSync(path);
      const type = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file';
      out.push(`${relative(dir, path)} ${type} ${type === 'file' ? st.size : ''}`);
      if (type === 'dir') walk(path);
    }
  };
  walk(dir);
  return out;
}

/** Entries of `after` that `before` did not have. */
export function created(before: readonly string[], after: readonly string[]): string[] {
  const had = new Set(before);
  return after.filter((line) => !had.has(line));
}

/** Files under `dir` whose bytes equal `bytes` (a host file copied where it must not go). */
export function copiesOf(dir: string, bytes: Buffer): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => {
      const st = lstatSync(path);
      return st.isFile() && st.size === bytes.length && readFileSync(path).equals(bytes);
    });
}
