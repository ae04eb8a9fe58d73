// Parsers are pure functions over saved output (DESIGN.md §2): no Node built-ins, no packages but zod,
// nothing from transports/ (no process, socket, adb or ssh code), so they run anywhere and are tested on
// fixtures alone.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../src/runners/parsers/', import.meta.url);
// The SNPE runner keeps its output parsers in its own folder (the runner-per-folder layout).
const snpeParsers = ['../snpe-net-run/diagview.ts', '../snpe-net-run/net-run-log.ts'];
const files = [...readdirSync(dir).filter((f) => f.endsWith('.ts')), ...snpeParsers];

function importsOf(source: string): string[] {
  const fromClauses = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/gm)];
  const bare = [...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)];
  const dynamic = [...source.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]/g)];
  return [...fromClauses, ...bare, ...dynamic].map((m) => m[1] ?? '');
}

describe('runners/parsers purity', () => {
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
