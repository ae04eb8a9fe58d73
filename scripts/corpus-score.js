// Counts, per tool, the saved captures a parser reads fully right: runs the corpus test with vitest's
// JSON reporter and prints one row per describe block (captures, of them verbatim or partial, passing).
// Usage: node scripts/corpus-score.js [test file]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const file = process.argv[2] ?? 'test/unit/parsers/corpus.test.ts';
const dir = mkdtempSync(join(tmpdir(), 'corpus-score-'));
const out = join(dir, 'result.json');
try {
  execFileSync('npx', ['vitest', 'run', file, '--reporter=json', `--outputFile=${out}`], { stdio: 'ignore' });
} catch {
  // Failing captures make vitest exit 1; the JSON report is what counts.
}
const report = JSON.parse(readFileSync(out, 'utf8'));
rmSync(dir, { recursive: true, force: true });
const rows = new Map();
for (const suite of report.testResults) {
  for (const t of suite.assertionResults) {
    const tool = t.ancestorTitles[0]?.replace(/^corpus: /, '') ?? '?';
    const row = rows.get(tool) ?? { captures: 0, real: 0, passed: 0, realPassed: 0 };
    const real = !/assembled/.test(t.title);
    row.captures += 1;
    row.real += real ? 1 : 0;
    if (t.status === 'passed') {
      row.passed += 1;
      row.realPassed += real ? 1 : 0;
    }
    rows.set(tool, row);
  }
}
console.log('| tool | captures (real) | read fully right (real) |');
console.log('|---|---|---|');
for (const [tool, r] of rows) console.log(`| ${tool} | ${r.captures} (${r.real}) | ${r.passed} (${r.realPassed}) |`);
