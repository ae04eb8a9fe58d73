// The architecture table (.dependency-cruiser.cjs) holds on src, and every row of it catches what it is
// written against: a small tree that breaks each rule once is cruised with the same table.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

const ruleNames = (): string[] =>
  (createRequire(import.meta.url)(CONFIG) as { forbidden: { name: string }[] }).forbidden.map((r) => r.name);

/** Cruise `src` under `cwd` with the project's table; the violations it finds. */
function cruise(cwd: string): Violation[] {
  const run = spawnSync(process.execPath, [CLI, 'src', '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`dependency-cruiser printed nothing (exit ${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const show = (v: Violation) => `${v.rule.name}: ${v.from} -> ${v.cycle?.map((c) => c.name).join(' -> ') ?? v.to}`;

describe('the architecture table', () => {
  it('src breaks none of its rules', () => {
    expect(cruise(ROOT).map(show)).toEqual([]);
  });
});

// One file (or pair) per rule: the file that must be reported, and what it contains.
const FLOW_TARGETS = [
  'onnx',
  'devices',
  'transports',
  'pipeline',
  'runners',
  'measure',
  'lut',
  'predict',
  'search',
  'report',
];
const TREE: Record<string, string> = {
  // Entry points reach the rest, so only the files meant to be dead are unreachable.
  'src/index.ts': "export * from './app/api.js';\n",
  'src/cli/main.ts': "import '../app/api.js';\n",
  'src/app/api.ts': [...FLOW_TARGETS, 'catalog', 'cli', 'stats', 'compare']
    .map((m) => `export * as ${m} from '../${m}/target.js';`)
    .join('\n'),
  ...Object.fromEntries(
    [...FLOW_TARGETS, 'catalog', 'cli', 'compare'].map((m) => [`src/${m}/target.ts`, 'export const x = 1;']),
  ),
  'src/stats/target.ts': 'export const x = 1;',
  'src/errors.ts': 'export class E extends Error {}',
  'src/app/uses.ts': [
    // Type-only imports count.
    "export type { X } from '../runners/type.js';",
    "export * from '../catalog/flow.js';",
    "export * from '../onnx/flow.js';",
    "export * from '../devices/flow.js';",
    "export * from '../transports/flow.js';",
    "export * from '../runners/flow.js';",
    "export * from '../measure/flow.js';",
    "export * from '../lut/flow.js';",
    "export * from '../pipeline/flow.js';",
    "export * from '../predict/flow.js';",
    "export * from '../compare/flow.js';",
    "export * from '../report/flow.js';",
    "export * from '../app/library.js';",
    "export * from '../search/io.js';",
    "export * from '../parsing/fs.js';",
    "export * from '../report/fs.js';",
    "export * from '../stats/outside.js';",
    "export * from '../catalog/cycle-a.js';",
    "export * from '../cli/missing-import.js';",
    "export * from '../cli/packages.js';",
    "export * from '../parsing/text.js';",
  ].join('\n'),
  'src/runners/type.ts': 'export type X = number;',
  'src/catalog/flow.ts': "export * from '../onnx/target.js';",
  'src/onnx/flow.ts': "import type { x } from '../devices/target.js';\nexport type Y = typeof x;",
  'src/devices/flow.ts': "export * from '../transports/target.js';",
  'src/transports/flow.ts': "export * from '../runners/target.js';",
  'src/runners/flow.ts': "export * from '../measure/target.js';",
  'src/measure/flow.ts': "export * from '../lut/target.js';",
  'src/lut/flow.ts': "export * from '../predict/target.js';",
  'src/pipeline/flow.ts': "export * from '../runners/target.js';",
  'src/predict/flow.ts': "export * from '../search/target.js';",
  'src/compare/flow.ts': "export * from '../search/target.js';",
  'src/report/flow.ts': "export * from '../cli/target.js';",
  'src/app/library.ts': "export * from '../index.js';",
  'src/search/io.ts': "export { spawn } from 'node:child_process';",
  'src/parsing/fs.ts': "export { readFileSync } from 'node:fs';",
  'src/parsing/text.ts': "export * from '../cli/target.js';",
  'src/report/fs.ts': "export { writeFileSync } from 'node:fs';",
  'src/stats/outside.ts': "export * from '../errors.js';",
  'src/catalog/cycle-a.ts': "export * from './cycle-b.js';\nexport const a = 1;",
  'src/catalog/cycle-b.ts': "import { a } from './cycle-a.js';\nexport const b = a;",
  'src/cli/missing-import.ts': "export * from './not-there.js';",
  'src/cli/packages.ts': "export * from 'left-pad';\nexport * from 'vitest';",
  'src/device-runner/ort-runner.ts': "import '../lut/target.js';\nimport '../stats/outside.js';",
  'src/lonely.ts': 'export const alone = 1;',
  'src/measure/dead.ts': "export * from '../catalog/target.js';",
  // Packages: one declared, one a devDependency, one not in package.json at all.
  'package.json': JSON.stringify({ name: 'tree', type: 'module', devDependencies: { vitest: '1.0.0' } }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
    include: ['src'],
  }),
  ...Object.fromEntries(
    ['left-pad', 'vitest'].flatMap((name) => [
      [
        `node_modules/${name}/package.json`,
        JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' }),
      ],
      [`node_modules/${name}/index.js`, 'export const y = 1;'],
    ]),
  ),
};

/** Each rule and a file that must be reported under it. */
const EXPECTED: Record<string, string> = {
  'flow-catalog': 'src/catalog/flow.ts',
  'flow-onnx': 'src/onnx/flow.ts',
  'flow-devices': 'src/devices/flow.ts',
  'flow-transports': 'src/transports/flow.ts',
  'flow-runners': 'src/runners/flow.ts',
  'flow-measure': 'src/measure/flow.ts',
  'flow-lut': 'src/lut/flow.ts',
  'flow-pipeline': 'src/pipeline/flow.ts',
  'flow-predict': 'src/predict/flow.ts',
  'flow-search-compare': 'src/compare/flow.ts',
  'flow-report': 'src/report/flow.ts',
  'flow-app': 'src/app/uses.ts',
  'leaves-stay-leaves': 'src/parsing/text.ts',
  'pure-no-io': 'src/search/io.ts',
  'text-only': 'src/parsing/fs.ts',
  'report-no-fs': 'src/report/fs.ts',
  'stats-self-contained': 'src/stats/outside.ts',
  'device-runner-portable': 'src/device-runner/ort-runner.ts',
  'device-runner-reach': 'src/device-runner/ort-runner.ts',
  'no-library-api-inside': 'src/app/library.ts',
  'no-circular': 'src/catalog/cycle-a.ts',
  'no-orphans': 'src/lonely.ts',
  'no-unreachable': 'src/measure/dead.ts',
  'not-to-unresolvable': 'src/cli/missing-import.ts',
  'declared-packages': 'src/cli/packages.ts',
};

describe('every row of the table catches what it is written against', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsb-deps-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(TREE)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), `${text}\n`);
  }

  it('names a file for every rule', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(ruleNames().sort());
  });

  it('reports each rule on its file', () => {
    const found = cruise(dir).map((v) => `${v.rule.name}: ${v.from}`);
    for (const [rule, from] of Object.entries(EXPECTED)) expect(found, rule).toContain(`${rule}: ${from}`);
  });
});
