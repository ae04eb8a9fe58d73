// The NSBench app (ios/NSBench, Swift) against the harness's reading of NSBENCH/1, without a Swift
// toolchain: the lines the app prints are read out of its Swift string literals, rendered with sample
// values and fed to the real parser; every line kind, header key, argument, compute-units name and
// thermal state the harness knows must be one the app prints or reads. Removing a line kind from the
// Swift, renaming a header key or changing a line's layout fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchAppArgv } from '../../src/runners/devicectl-app/commands.js';
import {
  isModelLoadError,
  ORT_COREML_COMPUTE_UNITS,
  readBenchAppExtras,
} from '../../src/runners/devicectl-app/output.js';
import {
  BenchAppReportedError,
  COMPUTE_UNITS,
  parseDevicectlAppOutput,
  THERMAL_STATES,
} from '../../src/runners/devicectl-app/parser.js';
import {
  caseReturns,
  enumCases,
  renderLiteral,
  storedProperties,
  stringLiteralsStartingWith,
  swiftBlock,
  type SwiftLiteral,
} from '../support/swift-source.js';

const repo = join(import.meta.dirname, '..', '..');
const app = join(repo, 'ios', 'NSBench');
const read = (...p: string[]) => readFileSync(join(...p), 'utf8');
const core = (file: string) => read(app, 'Sources', 'NSBenchCore', file);
const swiftFiles = (dir: string) =>
  readdirSync(join(app, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.swift'));

const RUN_ID = 'nsb-m1x2y3z4-9f8e7d6c';
const HEADER_SAMPLES: Record<string, string | number> = {
  device: 'iPhone16,1',
  os: '18.2',
  computeUnits: 'cpuAndNeuralEngine',
  model: 'E1.R-A-R-A.l16.3f2a9c.onnx',
  loadMs: 812.4,
  runId: RUN_ID,
  iterations: 3,
  warmup: 2,
  app: '1.0',
  runtime: 'onnxruntime 1.24.2',
};

/** Every NSBENCH literal the app has, by line kind (the word after the tag). */
function appLines(): Map<string, SwiftLiteral[]> {
  const byKind = new Map<string, SwiftLiteral[]>();
  const sources = [
    ...swiftFiles('Sources').map((f) => read(app, 'Sources', f)),
    ...swiftFiles('App').map((f) => read(app, 'App', f)),
  ];
  for (const literal of sources.flatMap((s) => stringLiteralsStartingWith(s, 'NSBENCH/'))) {
    const lead = literal.parts[0];
    const m = lead && 'text' in lead ? /^NSBENCH\/1 (\w+)/.exec(lead.text) : null;
    if (!m) throw new Error(`line ${literal.line}: an NSBENCH literal must start with "NSBENCH/1 <kind>"`);
    byKind.set(m[1]!, [...(byKind.get(m[1]!) ?? []), literal]);
  }
  return byKind;
}

/** The line kinds the harness reads: the parser's cases and the extras the runner reads after it. */
function harnessKinds(): string[] {
  const parser = read(repo, 'src', 'runners', 'devicectl-app', 'parser.ts');
  const extras = read(repo, 'src', 'runners', 'devicectl-app', 'output.ts');
  const kinds = new Set([
    ...[...parser.matchAll(/case '(\w+)':/g)].map((m) => m[1]!),
    ...[...parser.matchAll(/kind === '(\w+)'/g)].map((m) => m[1]!),
    ...[...extras.matchAll(/taggedJson\(text, '(\w+)'\)/g)].map((m) => m[1]!),
  ]);
  return [...kinds].sort();
}

/** The header keys the harness knows: the parser's schema plus the extras' `runtime`. */
function harnessHeaderKeys(): string[] {
  const parser = read(repo, 'src', 'runners', 'devicectl-app', 'parser.ts');
  const schema = /const HeaderSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(parser)?.[1] ?? '';
  const extras = read(repo, 'src', 'runners', 'devicectl-app', 'output.ts');
  const keys = [...schema.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]!);
  if (/header\?\.runtime/.test(extras)) keys.push('runtime');
  return keys;
}

/** The header JSON the app would print, from the Swift struct's stored properties. */
function appHeaderJson(): string {
  const props = storedProperties(swiftBlock(core('Header.swift'), /public struct BenchHeader\b/));
  const json: Record<string, string | number> = {};
  for (const p of props) {
    const value = HEADER_SAMPLES[p.name];
    if (value === undefined) throw new Error(`no sample value for header key ${p.name}`);
    const wanted = p.type === 'String' ? 'string' : 'number';
    if (typeof value !== wanted) throw new Error(`header key ${p.name} is ${p.type} in Swift`);
    json[p.name] = value;
  }
  return JSON.stringify(json);
}

/** Renders one line kind; `values` fills the interpolations by their Swift expression. */
function render(lines: Map<string, SwiftLiteral[]>, kind: string, values: Record<string, string>): string {
  const literals = lines.get(kind);
  if (!literals) throw new Error(`the app prints no "${kind}" line`);
  if (literals.length !== 1) throw new Error(`the app spells the "${kind}" line ${literals.length} times`);
  return renderLiteral(literals[0]!, values);
}

/** The milliseconds as the app's `milliseconds()` prints them (String(format: "%.4f")). */
const ms = (v: number) => v.toFixed(4);

function completeRun(lines: Map<string, SwiftLiteral[]>): string {
  const warmups = [31.2008, 13.0412];
  const samples = [12.8812, 12.9034, 12.7761];
  return [
    'Launched application with com.example.nsbench bundle identifier.',
    render(lines, 'header', { 'header.json': appHeaderJson() }),
    render(lines, 'thermal', { 'phase.rawValue': 'before', 'state.rawValue': 'nominal' }),
    ...warmups.map((v, i) => render(lines, 'warmup', { index: String(i), 'milliseconds(ms)': ms(v) })),
    render(lines, 'providers', { 'compactJSON(counts)': '{"CPUExecutionProvider":3,"CoreMLExecutionProvider":12}' }),
    ...samples.map((v, i) => render(lines, 'sample', { index: String(i), 'milliseconds(ms)': ms(v) })),
    render(lines, 'thermal', { 'phase.rawValue': 'after', 'state.rawValue': 'serious' }),
    render(lines, 'done', { samples: String(samples.length) }),
    '',
  ].join('\n');
}

describe('the NSBench app prints what the harness reads (NSBENCH/1)', () => {
  const lines = appLines();

  it('prints every line kind the parser and the runner know, and no other', () => {
    const kinds = harnessKinds();
    expect(kinds).toEqual(['done', 'error', 'header', 'providers', 'sample', 'thermal', 'warmup']);
    expect([...lines.keys()].sort()).toEqual(kinds);
  });

  it('a complete run rendered from the Swift literals parses, with every value intact', () => {
    const text = completeRun(lines);
    const run = parseDevicectlAppOutput(text, { runId: RUN_ID });
    // The parser keeps the keys it knows; `runtime` is read by the runner (readBenchAppExtras).
    expect(run.header).toEqual(Object.fromEntries(Object.entries(HEADER_SAMPLES).filter(([k]) => k !== 'runtime')));
    expect(run.warmupMs).toEqual([31.2008, 13.0412]);
    expect(run.samplesMs).toEqual([12.8812, 12.9034, 12.7761]);
    expect(run.thermal).toEqual({ before: 'nominal', after: 'serious' });
    expect(readBenchAppExtras(text)).toEqual({
      runtime: 'onnxruntime 1.24.2',
      providers: { CPUExecutionProvider: 3, CoreMLExecutionProvider: 12 },
    });
  });

  it('the app times with four decimals and a point, as the parser reads them', () => {
    const body = /func milliseconds\(_ ms: Double\) -> String \{\s+String\(format: "%\.4f", ms\)\s+\}/;
    expect(core('Lines.swift')).toMatch(body);
  });

  it('an error line reaches the runner as the app\'s message; "load:" marks a model that cannot load', () => {
    const header = render(lines, 'header', { 'header.json': appHeaderJson() });
    const messages = [
      ['load: no model at Documents/nsbench/c/E1.onnx', true],
      ['prediction failed: Run: out of memory', false],
    ] as const;
    for (const [message, load] of messages) {
      const line = render(lines, 'error', { 'oneLine(message)': message });
      let error: unknown;
      try {
        parseDevicectlAppOutput(`${header}\n${line}\n`, { runId: RUN_ID });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BenchAppReportedError);
      expect((error as BenchAppReportedError).appMessage).toBe(message);
      expect(isModelLoadError((error as BenchAppReportedError).appMessage)).toBe(load);
    }
    expect(core('BenchFailure.swift')).toMatch(/case let \.load\(text\): return "load: \\\(text\)"/);
  });

  it('the header has every key the harness knows (compileMs belongs to the Core ML path only)', () => {
    const header = swiftBlock(core('Header.swift'), /public struct BenchHeader\b/);
    const swiftKeys = storedProperties(header).map((p) => p.name);
    const known = harnessHeaderKeys();
    expect(known).toContain('loadMs');
    expect(swiftKeys.sort()).toEqual(known.filter((k) => k !== 'compileMs').sort());
  });

  it("the run prints its lines in the contract's order", () => {
    const body = swiftBlock(core('BenchRun.swift'), /public static func execute\(/);
    const emits = [...body.matchAll(/emit\(\.(\w+)\(([^,)]*)/g)];
    const order = emits.map((m) => (m[1] === 'thermal' ? `thermal ${m[2]}` : m[1]!));
    expect(order).toEqual([
      'header',
      'thermal .before',
      'warmup',
      'providers',
      'sample',
      'thermal .after',
      'done',
      'error',
      'error',
    ]);
  });
});

describe('the NSBench app reads what the harness passes', () => {
  it('every --nsbench- key of a launch is one the app parses', () => {
    const argv = launchAppArgv(
      { xcrun: 'xcrun', udid: 'U', bundleId: 'com.example.nsbench' },
      { modelPath: 'Documents/nsbench/c/E1.onnx', iterations: 3, warmup: 2, computeUnits: 'cpuOnly', runId: RUN_ID },
      { inputs: [{ name: 's0', shape: [1, 4, 8, 8] }], precision: 'fp16' },
    );
    const appArguments = argv.filter((a) => a.startsWith('--nsbench-'));
    const keys = [...new Set(appArguments.map((a) => a.slice('--nsbench-'.length, a.indexOf('='))))].sort();
    const swift = core('Arguments.swift');
    const parsed = [...swift.matchAll(/values\["([\w-]+)"\]/g), ...swift.matchAll(/key == "([\w-]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(keys).toEqual(['compute-units', 'input', 'iterations', 'model', 'run-id', 'warmup']);
    expect([...new Set(parsed)].sort()).toEqual(keys);
    // fp16 models get float16 inputs, which the app builds.
    expect(argv).toContain('--nsbench-input=s0:float16:1,4,8,8');
    expect(enumCases(swiftBlock(swift, /public enum ElementType\b/))).toEqual(['float32', 'float16']);
  });

  it("compute units, their CoreML EP values and the thermal states are the harness's", () => {
    const swift = core('Arguments.swift');
    const units = swiftBlock(swift, /public enum ComputeUnits\b/);
    expect(enumCases(units)).toEqual([...COMPUTE_UNITS]);
    expect(caseReturns(units)).toEqual(ORT_COREML_COMPUTE_UNITS);
    const lines = core('Lines.swift');
    expect(enumCases(swiftBlock(lines, /public enum ThermalState\b/))).toEqual([...THERMAL_STATES]);
    expect(enumCases(swiftBlock(lines, /public enum ThermalPhase\b/))).toEqual(['before', 'after']);
  });
});

describe('the NSBench project', () => {
  it("pins ONNX Runtime's Swift package and keeps the data container reachable", () => {
    const spec = read(app, 'project.yml');
    const pinned =
      /url: https:\/\/github\.com\/microsoft\/onnxruntime-swift-package-manager\n\s+exactVersion: \d+\.\d+\.\d+/;
    expect(spec).toMatch(pinned);
    expect(spec).toMatch(/- package: onnxruntime\n\s+product: onnxruntime/);
    const plist = read(app, 'App', 'Info.plist');
    for (const key of ['UIFileSharingEnabled', 'LSSupportsOpeningDocumentsInPlace']) {
      expect(plist).toMatch(new RegExp(`<key>${key}</key>\\s*<true/>`));
    }
    expect(plist).toMatch(/<key>CFBundleShortVersionString<\/key>\s*<string>\$\(MARKETING_VERSION\)<\/string>/);
  });
});
