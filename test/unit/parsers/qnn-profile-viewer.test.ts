import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseQnnProfileViewer, qnnViewerLatency } from '../../../src/runners/qnn-net-run/profile-viewer.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/qnn-profile-viewer/${name}`, import.meta.url), 'utf8');

describe('parseQnnProfileViewer: sectioned layout', () => {
  const result = parseQnnProfileViewer(fixture('basic-average-reference.txt'));

  it('finds the sections that hold values, in order', () => {
    expect(result.layout).toBe('sectioned');
    expect(result.sections.map((s) => [s.title, s.phase, s.statistic])).toEqual([
      ['Init Stats', 'init', undefined],
      ['Finalize Stats', 'finalize', undefined],
      ['Execute Stats (Average)', 'execute', 'average'],
      ['Execute Stats (Overall)', 'execute', 'overall'],
    ]);
  });

  it('converts NetRun and Backend times from us to ms and keeps counts', () => {
    expect(result.sections[0]?.groups).toEqual([{ netRunMs: 331.158, events: {}, ops: [] }]);
    expect(result.sections[2]?.groups).toEqual([
      {
        graph: { index: 0, name: 'model' },
        netRunMs: 2.952,
        events: {
          'Number of HVX threads used': { unit: 'count', value: 4 },
          'RPC (execute) time': { unit: 'ms', value: 2.92 },
          'QNN accelerator (execute) time': { unit: 'ms', value: 2.6 },
          'Accelerator (execute) time': { unit: 'ms', value: 2.492 },
          'QNN (execute) time': { unit: 'ms', value: 2.949 },
        },
        ops: [],
      },
    ]);
    expect(result.sections[1]?.groups[0]?.events['QNN (finalize) time']).toEqual({ unit: 'ms', value: 256.364 });
    expect(result.sections[3]?.ips).toBe(214.8888);
  });

  it('gives the harness NetRun, accelerator execute and HVX threads from "Execute Stats (Average)"', () => {
    const sample = { netRunMs: 2.952, acceleratorExecuteMs: 2.492, qnnAcceleratorExecuteMs: 2.6, hvxThreads: 4 };
    expect(qnnViewerLatency(result)).toEqual({ kind: 'average', samples: [sample], ...sample, npuRan: true });
  });

  it('reads newer SDK lines: longer IPS label, extra Backend events, per-op cycles; prefers Average over Min', () => {
    const r = parseQnnProfileViewer(fixture('newer-sdk-detailed-assembled.txt'));
    const average = r.sections.find((s) => s.title === 'Execute Stats (Average)');
    const group = average?.groups[0];
    expect(group?.events).toMatchObject({
      'Accelerator (execute excluding wait) time': { unit: 'ms', value: 2.388 },
      'Time for HVX + HMX power on and acquire': { unit: 'ms', value: 0.036 },
      'Time for initial VTCM acquire': { unit: 'ms', value: 0.012 },
      'Num times yield occured': { unit: 'count', value: 0 },
      'Accelerator (execute) time (cycles)': { unit: 'cycles', value: 4162440 },
    });
    expect(group?.ops).toEqual([
      { name: '/model/basenet/slice1/0/Conv', opId: 27, cycles: 0 },
      { name: '/model/basenet/slice1/2/Conv', opId: 31, cycles: 1203355 },
      { name: 'Input', opId: 2, cycles: 4410 },
    ]);
    expect(r.sections.find((s) => s.statistic === 'overall')?.ips).toBe(214.8888);
    expect(qnnViewerLatency(r)).toMatchObject({
      acceleratorExecuteMs: 2.492,
      acceleratorCycles: 4162440,
      npuRan: true,
    });
  });

  it('says the NPU did not run when a CPU backend reports no accelerator time', () => {
    const latency = qnnViewerLatency(parseQnnProfileViewer(fixture('cpu-backend-assembled.txt')));
    expect(latency).toEqual({ kind: 'average', samples: [{ netRunMs: 148.259 }], netRunMs: 148.259, npuRan: false });
  });

  it('says the NPU did not run when HVX threads is 0', () => {
    const text =
      'Execute Stats (Average):\nGraph 0 (m):\n    NetRun:  900 us\n    Backend (Number ' +
      'of HVX threads used): 0 count\n    Backend (Accelerator (execute) time): 5 us\n';
    expect(qnnViewerLatency(parseQnnProfileViewer(text)).npuRan).toBe(false);
  });
});

describe('parseQnnProfileViewer: old per-run layout', () => {
  it('reads "Execute Stat N" blocks with "name : value unit" lines and op cycles', () => {
    const r = parseQnnProfileViewer(fixture('per-run-gist.txt'));
    expect(r).toEqual({
      layout: 'per-run',
      sections: [
        {
          title: 'Execute Stat 1',
          phase: 'execute',
          statistic: 'run',
          run: 1,
          groups: [
            {
              events: {
                'Number of HVX threads used': { unit: 'count', value: 4 },
                'RPC (execute) time': { unit: 'ms', value: 2717.302 },
                'QNN accelerator (execute) time': { unit: 'ms', value: 2714.698 },
                'Accelerator (execute) time (cycles)': { unit: 'cycles', value: 454266408 },
              },
              ops: [{ name: 'module_normalize_l2norm', opId: 16, cycles: 720336 }],
            },
          ],
        },
      ],
    });
    const sample = { qnnAcceleratorExecuteMs: 2714.698, acceleratorCycles: 454266408, hvxThreads: 4 };
    expect(qnnViewerLatency(r)).toEqual({ kind: 'per-execute', samples: [sample], ...sample, npuRan: true });
  });

  it('gives one sample per execute, drops warm-ups and averages the rest', () => {
    const r = parseQnnProfileViewer(fixture('per-run-three-executes-assembled.txt'));
    expect(r.sections.map((s) => s.run)).toEqual([1, 2, 3]);
    expect(qnnViewerLatency(r, { warmup: 1 })).toEqual({
      kind: 'per-execute',
      samples: [
        { qnnAcceleratorExecuteMs: 2698.84, acceleratorCycles: 451002112, hvxThreads: 4 },
        { qnnAcceleratorExecuteMs: 2700.56, acceleratorCycles: 451990016, hvxThreads: 4 },
      ],
      qnnAcceleratorExecuteMs: 2699.7,
      acceleratorCycles: 451496064,
      hvxThreads: 4,
      npuRan: true,
    });
  });
});

describe('parseQnnProfileViewer: failures', () => {
  it('rejects empty output, garbage and a banner without sections', () => {
    expect(() => parseQnnProfileViewer('')).toThrow(ParseError);
    expect(() => parseQnnProfileViewer('error: could not open qnn-profiling-data_0.log\n')).toThrow(
      /no "... Stats:" section/,
    );
    expect(() =>
      parseQnnProfileViewer('Qnn Init/Prepare/Finalize/De-Init/Execute/Lib-Load Statistics:\n-----\n'),
    ).toThrow(ParseError);
  });

  it('leaves the latency undefined when the output stops before the execute statistics', () => {
    const cut = fixture('basic-average-reference.txt').split('Execute Stats (Average):')[0] ?? '';
    const latency = qnnViewerLatency(parseQnnProfileViewer(cut));
    expect(latency).toEqual({ kind: 'average', samples: [], npuRan: undefined });
  });
});
