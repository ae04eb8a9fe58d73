// The layout rules of DESIGN.md §2, checked on the sources:
//   - data flows one way: a module never imports (at run time) from a module to its right in
//     catalog -> onnx -> devices -> transports -> runners -> measure -> lut -> pipeline -> predict -> search -> report
//     -> app -> cli;
//   - catalog, stats, lut, pipeline, predict, search, report and runners/parsers open no process, socket, ssh or adb;
//   - stats is pure (it also runs on devices): it imports nothing outside itself;
//   - report builds strings: no file system;
//   - the device runner needs only Node built-ins, stats and the pure pixel code of pipeline/ (both
//     shipped beside it).
// Shared leaves any module may use: errors, paths, json-file, atomic-write, stats, the pure output
// parsers (transports read device facts with them) and the LUT schema (the data contract). Type-only imports are not dependencies at run time and are not restricted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');
const ORDER = [
  ...['catalog', 'onnx', 'devices', 'transports', 'runners', 'measure', 'lut'],
  ...['pipeline', 'predict', 'search', 'report', 'app', 'cli'],
];
const LEAVES = ['errors.ts', 'paths.ts', 'json-file.ts', 'atomic-write.ts', 'stats', 'runners/parsers', 'lut/schema.ts', 'lut/key.ts'];
const NO_IO = ['catalog', 'stats', 'lut', 'pipeline', 'predict', 'search', 'report', 'runners/parsers'];
const IO_MODULE = /^(node:)?(child_process|net|tls|http|https|dgram|cluster)$|^(@devicefarmer\/adbkit|ssh2|node-ssh)$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Run-time imports: `import type` and `export type` lines are left out. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)].map((m) => m[1] ?? m[2]!);
}

const rel = (file: string) => relative(SRC, file).split('\\').join('/');
const moduleOf = (path: string) => path.split('/')[0]!;
const isLeaf = (path: string) => LEAVES.some((l) => path === l || path.startsWith(`${l}/`));

const files = sources(SRC).map((f) => ({ file: rel(f), imports: runtimeImports(f) }));

describe('architecture', () => {
  it('data flows one way', () => {
    const violations: string[] = [];
    for (const { file, imports } of files) {
      const from = ORDER.indexOf(moduleOf(file));
      if (from < 0) continue;
      for (const spec of imports.filter((s) => s.startsWith('.'))) {
        const target = rel(resolve(SRC, dirname(file), spec)).replace(/\.js$/, '.ts');
        if (isLeaf(target)) continue;
        const to = ORDER.indexOf(moduleOf(target));
        if (to > from) violations.push(`${file} -> ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('pure modules open no process, socket, ssh or adb and use no transport', () => {
    const violations: string[] = [];
    for (const { file, imports } of files.filter((f) => NO_IO.some((m) => f.file.startsWith(`${m}/`)))) {
      for (const spec of imports) {
        const target = spec.startsWith('.') ? rel(resolve(SRC, dirname(file), spec)) : spec;
        if (IO_MODULE.test(spec) || target.startsWith('transports/')) violations.push(`${file} -> ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('stats imports nothing outside itself', () => {
    for (const { file, imports } of files.filter((f) => f.file.startsWith('stats/'))) {
      expect(imports.filter((s) => !s.startsWith('./')), file).toEqual([]);
    }
  });

  it('report does not touch the file system', () => {
    for (const { file, imports } of files.filter((f) => f.file.startsWith('report/'))) {
      expect(imports.filter((s) => /^(node:)?fs(\/promises)?$/.test(s)), file).toEqual([]);
    }
  });

  it('the device runner needs only Node built-ins, stats and the pure pixel code', () => {
    const shipped = ['../pipeline/blend.js', '../pipeline/image-codec.js', '../pipeline/pixels.js'];
    for (const { file, imports } of files.filter((f) => f.file.startsWith('device-runner/'))) {
      const allowed = (s: string) =>
        s.startsWith('node:') || s.startsWith('../stats/') || s.startsWith('./') || shipped.includes(s);
      expect(imports.filter((s) => !allowed(s)), file).toEqual([]);
    }
    // What the pipeline runner ships beside it imports nothing but itself.
    const isShipped = (f: { file: string }) => shipped.some((s) => f.file === s.slice(3).replace(/\.js$/, '.ts'));
    for (const { file, imports } of files.filter(isShipped)) {
      expect(imports.filter((s) => !s.startsWith('./')), file).toEqual([]);
    }
  });
});
