// Parsers are pure functions over saved output (DESIGN.md §2): no Node built-ins, no packages but zod,
// nothing from transports/ (no process, socket, adb or ssh code), so they run anywhere and are tested on
// fixtures alone.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../src/', import.meta.url);
// Each runner keeps its output parsers in its own folder; device facts and shared text helpers have theirs.
const runnerParsers = [
  'runners/ort-node/parser.ts',
  'runners/ort-perf-test/parser.ts',
  'runners/ort-perf-test/profile-json.ts',
  'runners/qnn-net-run/profile-viewer.ts',
  'runners/qnn-net-run/profile-json.ts',
  'runners/qnn-net-run/profiling-csv.ts',
  'runners/tflite-benchmark/parser.ts',
  'runners/devicectl-app/parser.ts',
  'runners/devicectl-app/devicectl-json.ts',
  'runners/snpe-net-run/diagview.ts',
  'runners/snpe-net-run/net-run-log.ts',
];
const inFolder = (folder: string) =>
  readdirSync(new URL(folder, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${folder}${f}`);
const files = [...runnerParsers, ...inFolder('parsing/'), ...inFolder('devices/facts/')];

function importsOf(source: string): string[] {
  const fromClauses = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/gm)];
  const bare = [...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)];
  const dynamic = [...source.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]/g)];
  return [...fromClauses, ...bare, ...dynamic].map((m) => m[1] ?? '');
}

describe('parser purity', () => {
  it('has parser files to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s imports no Node built-in, no package but zod and nothing from transports/', (file) => {
    for (const spec of importsOf(readFileSync(new URL(file, dir), 'utf8'))) {
      const relative = spec.startsWith('.');
      expect(relative || spec === 'zod', `${file} imports ${spec}`).toBe(true);
      expect(spec.includes('transports/'), `${file} imports ${spec}`).toBe(false);
    }
  });
});
