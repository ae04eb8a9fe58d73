import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseQnnProfilingCsv, qnnCsvLatency, tokenizeCsv } from '../../../src/runners/qnn-net-run/profiling-csv.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/qnn-profiling-csv/${name}`, import.meta.url), 'utf8');
const HEADER = 'Msg Timestamp,Message,Time,Unit of Measurement,Timing Source,Event Level,Event Identifier';

describe('tokenizeCsv', () => {
  it('handles quoted commas, doubled quotes, line breaks inside quotes and CRLF', () => {
    expect(tokenizeCsv('a,"b,c","say ""hi""",\r\n"multi\nline",x\n')).toEqual([
      { line: 1, fields: ['a', 'b,c', 'say "hi"', ''] },
      { line: 2, fields: ['multi\nline', 'x'] },
    ]);
  });

  it('rejects a quote that is never closed and text after a closing quote', () => {
    expect(() => tokenizeCsv('0,ROOT,4,COUNT,HW,ROOT,"Number of HVX')).toThrow(/never closed/);
    expect(() => tokenizeCsv('"a"b,c\n')).toThrow(/after a closing quote/);
  });
});

describe('parseQnnProfilingCsv', () => {
  it('reads the documented seven-column rows into one execute', () => {
    const csv = parseQnnProfilingCsv(fixture('ort-qnn-ep-basic-rows.csv'));
    expect(csv.columns).toBe(7);
    expect(csv.preamble).toEqual([]);
    expect(csv.samples).toHaveLength(1);
    expect(csv.samples[0]?.rows[0]).toEqual({
      line: 2,
      timestamp: '0',
      message: 'ROOT',
      time: 4,
      unit: 'COUNT',
      source: 'HW',
      level: 'ROOT',
      identifier: 'Number of HVX threads used',
    });
    expect(csv.samples[0]?.events).toEqual({
      'Number of HVX threads used': { unit: 'count', value: 4 },
      'Accelerator (execute) time (cycles)': { unit: 'cycles', value: 100000 },
    });
    expect(csv.samples[0]?.ops).toEqual([{ name: 'Conv2d', opId: 1, cycles: 500 }]);
    expect(qnnCsvLatency(csv)).toEqual({
      kind: 'per-execute',
      samples: [{ acceleratorCycles: 100000, hvxThreads: 4 }],
      acceleratorCycles: 100000,
      hvxThreads: 4,
      npuRan: true,
    });
  });

  it('splits an appended eight-column CRLF file at each HVX marker and keeps quoted commas', () => {
    const csv = parseQnnProfilingCsv(fixture('ort-qnn-ep-appended-8col-assembled.csv'));
    expect(csv.columns).toBe(8);
    expect(csv.preamble.map((r) => r.identifier)).toEqual(['Graph finalize']);
    expect(csv.samples).toHaveLength(3);
    expect(csv.samples[0]?.ops).toEqual([
      { name: 'Input', opId: 2, cycles: 1500 },
      { name: '/down/conv/Conv_token_1', opId: 16, cycles: 90210 },
      { name: '/attn/"q,k"/MatMul', opId: 24, cycles: 62110 },
    ]);
    expect(csv.samples[0]?.rows[4]?.onnxSourceOps).toBe('/down/conv/Conv,/down/act/Relu');
    expect(csv.samples[0]?.rows[0]?.onnxSourceOps).toBeUndefined();
    expect(csv.samples[0]?.events['Accelerator (execute) time']).toEqual({ unit: 'ms', value: 8.31 });
  });

  it('drops the warm-up execute and averages the measured ones', () => {
    const csv = parseQnnProfilingCsv(fixture('ort-qnn-ep-appended-8col-assembled.csv'));
    expect(qnnCsvLatency(csv, { warmup: 1 })).toEqual({
      kind: 'per-execute',
      samples: [
        { acceleratorExecuteMs: 2.492, acceleratorCycles: 100000, hvxThreads: 4 },
        { acceleratorExecuteMs: 2.508, acceleratorCycles: 101000, hvxThreads: 4 },
      ],
      acceleratorExecuteMs: 2.5,
      acceleratorCycles: 100500,
      hvxThreads: 4,
      npuRan: true,
    });
  });

  it('says the NPU did not run when the HVX thread count is 0', () => {
    expect(qnnCsvLatency(parseQnnProfilingCsv(fixture('hvx-zero-assembled.csv'))).npuRan).toBe(false);
  });

  it('without HVX markers, splits EXECUTE rows when a ROOT identifier repeats (viewer CSV)', () => {
    const text = [
      HEADER,
      '0,INIT,331158,US,NETRUN,ROOT,Graph 0',
      '0,EXECUTE,2952,US,NETRUN,ROOT,Graph 0',
      '1,EXECUTE,2492,US,BACKEND,ROOT,Accelerator (execute) time',
      '2,EXECUTE,2960,US,NETRUN,ROOT,Graph 0',
      '3,EXECUTE,2501,US,BACKEND,ROOT,Accelerator (execute) time',
      '4,EXECUTE IPS,214.8888,COUNT,NETRUN,ROOT,Graph 0',
    ].join('\n');
    const csv = parseQnnProfilingCsv(text);
    expect(csv.preamble.map((r) => r.message)).toEqual(['INIT']);
    expect(csv.samples).toHaveLength(2);
    expect(qnnCsvLatency(csv).samples).toEqual([
      { netRunMs: 2.952, acceleratorExecuteMs: 2.492 },
      { netRunMs: 2.96, acceleratorExecuteMs: 2.501 },
    ]);
  });

  it('rejects a file cut inside a quoted identifier, short rows, bad numbers and empty files', () => {
    const cut = fixture('ort-qnn-ep-basic-rows.csv').slice(0, -10);
    expect(() => parseQnnProfilingCsv(cut)).toThrow(ParseError);
    expect(() => parseQnnProfilingCsv(`${HEADER}\n0,ROOT,4,COUNT\n`)).toThrow(/line 2 has 4 fields/);
    expect(() => parseQnnProfilingCsv(`${HEADER}\n0,ROOT,four,COUNT,HW,ROOT,x\n`)).toThrow(/not a number/);
    expect(() => parseQnnProfilingCsv(`${HEADER}\n`)).toThrow(/no data rows/);
    expect(() => parseQnnProfilingCsv('')).toThrow(/no data rows/);
  });
});
