import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

describe('predict, search and report stay pure', () => {
  it('import no process or network modules', () => {
    for (const file of ['src/predict', 'src/search', 'src/report'].flatMap(sources)) {
      const bad = importsOf(file).filter((m) => /^(node:)?(child_process|net|tls|http|https|dgram)$/.test(m) || /ssh|adb/.test(m));
      expect(bad, file).toEqual([]);
    }
  });
  it('report builds strings only: no file system access', () => {
    for (const file of sources('src/report')) {
      expect(importsOf(file).filter((m) => /^(node:)?fs(\/promises)?$/.test(m)), file).toEqual([]);
    }
  });
});
