// Which number a qnn-net-run sample is: the per-execute events each viewer output gives (CSV, JSON,
// text), the one event the options choose, and the work-folder rule every profile must pass.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQnnProfileJson, qnnJsonExecutes } from '../../../src/runners/qnn-net-run/profile-json.js';
import { parseQnnProfileViewer, qnnViewerExecutes } from '../../../src/runners/qnn-net-run/profile-viewer.js';
import { parseQnnProfilingCsv, qnnCsvExecutes, qnnCsvLatency } from '../../../src/runners/qnn-net-run/profiling-csv.js';
import { latencyEvent, qnnNetRunOptionsSchema } from '../../../src/runners/qnn-net-run/options.js';
import { workDirProblem } from '../../../src/transports/adb/work-dir.js';

const outputs = join(import.meta.dirname, '..', '..', 'fixtures', 'outputs');
const fixture = (path: string) => readFileSync(join(outputs, path), 'utf8');
const times = (events: Record<string, { unit: string; value: number }>[], name: string) =>
  events.map((e) => e[name]?.value);

describe('qnn-profile-viewer CSV (--output x.csv)', () => {
  const text = fixture('qnn-profiling-csv/viewer-netrun-assembled.csv');

  it('one execute per group of EXECUTE rows, NetRun with its own execute although the HVX row is not first', () => {
    const csv = parseQnnProfilingCsv(text);
    expect(csv.samples).toHaveLength(4);
    const all = qnnCsvExecutes(csv);
    // Split at the HVX rows, each NetRun would land in the execute before it: 8310 µs belongs with 8288.
    expect(times(all, 'NetRun')).toEqual([8.31, 2.952, 2.96, 2.948]);
    expect(times(all, 'QNN (execute) time')).toEqual([8.288, 2.949, 2.957, 2.945]);
    expect(all[1]).toMatchObject({
      'Number of HVX threads used': { unit: 'count', value: 4 },
      'Accelerator (execute) time': { unit: 'ms', value: 2.492 },
    });
  });

  it('drops the warm-up executes and averages the rest', () => {
    const csv = parseQnnProfilingCsv(text);
    expect(times(qnnCsvExecutes(csv, { warmup: 1 }), 'NetRun')).toEqual([2.952, 2.96, 2.948]);
    expect(qnnCsvLatency(csv, { warmup: 1 })).toMatchObject({
      kind: 'per-execute',
      netRunMs: 2.953333333,
      acceleratorExecuteMs: 2.494,
      hvxThreads: 4,
      npuRan: true,
    });
  });

  it("skips the viewer's lines before the header and keeps rows after the executes out of the last one", () => {
    // Constructed: two banner lines (their wording is not documented) and a DE-INIT row.
    const lines = text.trimEnd().split('\n');
    const wrapped = [
      'qnn-profile-viewer banner line, constructed',
      'Input Log File Location: qnn-profiling-data_0.log',
      ...lines,
      '15423099999,DE-INIT,41000,US,NETRUN,ROOT,Graph 0: model',
    ].join('\n');
    const csv = parseQnnProfilingCsv(wrapped);
    expect(csv.samples).toHaveLength(4);
    expect(csv.trailer.map((r) => r.message)).toEqual(['DE-INIT']);
    expect(times(qnnCsvExecutes(csv), 'NetRun')).toEqual([8.31, 2.952, 2.96, 2.948]);
    // Line numbers still count the skipped lines.
    expect(() => parseQnnProfilingCsv(`${wrapped}\n1,EXECUTE,x,US,NETRUN,ROOT,Graph 0: model`)).toThrow(
      /line 29: Time "x" is not a number/,
    );
  });
});

describe('per-execute events of the other outputs', () => {
  it('text: the average (NetRun included) or each "Execute Stat N" after the warm-ups (no NetRun)', () => {
    const average = qnnViewerExecutes(
      parseQnnProfileViewer(fixture('qnn-profile-viewer/basic-average-reference.txt')),
      { warmup: 1 },
    );
    expect(average).toHaveLength(1);
    expect(average[0]).toMatchObject({
      NetRun: { unit: 'ms', value: 2.952 },
      'QNN (execute) time': { unit: 'ms', value: 2.949 },
    });
    const runs = qnnViewerExecutes(
      parseQnnProfileViewer(fixture('qnn-profile-viewer/per-run-three-executes-assembled.txt')),
      { warmup: 1 },
    );
    expect(times(runs, 'QNN accelerator (execute) time')).toEqual([2698.84, 2700.56]);
    expect(runs.every((e) => !('NetRun' in e))).toBe(true);
  });

  it('JSON reader: backend events per BACKEND_EXECUTE, QNN (execute) time among them, no NetRun', () => {
    const executes = qnnJsonExecutes(parseQnnProfileJson(fixture('qnn-profile-json/reader-2.49-assembled.json')));
    expect(times(executes, 'QNN (execute) time')).toEqual([3.001]);
    expect(times(executes, 'Accelerator (execute) time')).toEqual([1.734]);
    expect('NetRun' in executes[0]!).toBe(false);
  });
});

describe('the event a run measures', () => {
  const event = (o: Record<string, unknown>) => latencyEvent(qnnNetRunOptionsSchema.parse({ htpArch: 'v79', ...o }));

  it(
    'is fixed by the options: NetRun by default (from the ' + 'CSV), its closest equivalent where the reader has none',
    () => {
      expect(qnnNetRunOptionsSchema.parse({ htpArch: 'v79' })).toMatchObject({ viewer: 'csv', latency: 'netrun' });
      expect(event({})).toBe('NetRun');
      expect(event({ viewer: 'text' })).toBe('NetRun');
      expect(event({ viewer: 'json' })).toBe('QNN (execute) time');
      expect(event({ latency: 'qnn-execute' })).toBe('QNN (execute) time');
      expect(event({ latency: 'qnn-accelerator', viewer: 'json' })).toBe('QNN accelerator (execute) time');
      expect(event({ latency: 'accelerator', viewer: 'json' })).toBe('Accelerator (execute) time');
      expect(() => event({ latency: 'fastest' })).toThrow();
    },
  );
});

describe('workDirProblem', () => {
  it('refuses system, shared and home folders on every transport, and relative paths over adb', () => {
    for (const dir of [
      '/',
      '/data/local/tmp',
      '/data/local/tmp/',
      '/data/local/tmp/x/..',
      '/sdcard',
      '//data//local',
      '/tmp',
      '/home',
      '/home/pi',
      '/Users/ana',
      '/private/tmp',
    ]) {
      expect(workDirProblem(dir, 'adb')?.problem, dir).toMatch(/^refusing to use \/\S* as the work folder/);
      expect(workDirProblem(dir, 'ssh'), dir).toBeDefined();
    }
    expect(workDirProblem('/data/local/tmp', 'adb')).toEqual({
      problem: 'refusing to use /data/local/tmp as the work folder: it is not a folder the harness owns',
      path: '/data/local/tmp',
    });
    expect(workDirProblem('nanosd-bench', 'adb')?.problem).toBe(
      'work folder paths must be absolute, got "nanosd-bench"',
    );
    expect(workDirProblem('a\0b', 'local')?.problem).toMatch(/NUL/);
  });

  it(
    'takes a folder of its own, ' + 'relative ones over SSH and locally unless they are the base folder or leave it',
    () => {
      for (const dir of [
        '/data/local/tmp/nanosd-bench',
        '/sdcard/nsb',
        '/home/pi/nanosd-bench',
        '/tmp/nsb-test/sandbox',
      ])
        expect(workDirProblem(dir, 'adb'), dir).toBeUndefined();
      expect(workDirProblem('nanosd-bench', 'ssh')).toBeUndefined();
      expect(workDirProblem('.cache/local-device', 'local')).toBeUndefined();
      expect(workDirProblem('.', 'ssh')?.problem).toBe('refusing to use the login folder itself as the work folder');
      expect(workDirProblem('./', 'local')?.problem).toBe(
        "refusing to use the package's folder itself as the work folder",
      );
      expect(workDirProblem('../elsewhere', 'ssh')?.problem).toMatch(/outside the login folder/);
    },
  );
});
