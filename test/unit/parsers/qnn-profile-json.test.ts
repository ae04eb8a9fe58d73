import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseQnnProfileJson, qnnJsonLatency, qnnJsonOps } from '../../../src/runners/qnn-net-run/profile-json.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/qnn-profile-json/${name}`, import.meta.url), 'utf8');

describe('parseQnnProfileJson', () => {
  const json = parseQnnProfileJson(fixture('reader-2.49-assembled.json'));

  it('reads metadata, methods and events; MICROSEC becomes ms, CYCLES stay cycles', () => {
    expect(json.appName).toBe('qnn-net-run');
    expect(json.appVersion).toBe('v2.49.0.260730134355');
    expect(json.messages.map((m) => m.method)).toEqual(['BACKEND_CREATE_FROM_BINARY', 'BACKEND_EXECUTE']);
    expect(json.messages[0]?.events).toEqual([
      {
        identifier: 'QNN (load binary) time',
        type: 'INIT',
        unit: 'MICROSEC',
        value: 9009,
        metric: { unit: 'ms', value: 9.009 },
        subEvents: [],
      },
    ]);
    const cycles = json.messages[1]?.events[3];
    expect(cycles).toEqual({
      identifier: 'Accelerator (execute) time (cycles)',
      type: '',
      unit: 'CYCLES',
      value: 29239,
      metric: { unit: 'cycles', value: 29239 },
      subEvents: [{ identifier: 'fc:OpId_17', type: '', unit: 'CYCLES', subEvents: [] }],
    });
  });

  it('gives the harness the accelerator execute time per BACKEND_EXECUTE', () => {
    expect(qnnJsonLatency(json)).toEqual({
      kind: 'per-execute',
      samples: [{ acceleratorExecuteMs: 1.734, acceleratorCycles: 29239 }],
      acceleratorExecuteMs: 1.734,
      acceleratorCycles: 29239,
      npuRan: true,
    });
  });

  it('reads per-op cycles from sub-events, HVX counts, IPS, and drops warm-ups', () => {
    const text = JSON.stringify({
      metadata: {},
      messages: [
        {
          method: 'BACKEND_EXECUTE',
          profilingEvents: [{ identifier: 'Accelerator (execute) time', unit: 'MICROSEC', type: '', value: 5786 }],
        },
        {
          method: 'BACKEND_EXECUTE',
          profilingEvents: [
            { identifier: 'Number of HVX threads used', unit: 'COUNT', type: '', value: 4 },
            { identifier: 'Accelerator (execute) time', unit: 'MICROSEC', type: '', value: 1734 },
            {
              identifier: 'Accelerator (execute) time (cycles)',
              unit: 'CYCLES',
              type: '',
              value: 29239,
              'sub-events': [{ identifier: 'fc:OpId_17', unit: 'CYCLES', type: '', value: 1200 }],
            },
          ],
        },
        {
          method: 'APP_EXECUTE_IPS',
          profilingEvents: [{ identifier: 'NetRun IPS', unit: 'COUNT', type: '', value: 412.5 }],
        },
      ],
    });
    const parsed = parseQnnProfileJson(text);
    expect(qnnJsonOps(parsed.messages[1]!)).toEqual([{ name: 'fc', opId: 17, cycles: 1200 }]);
    expect(qnnJsonLatency(parsed, { warmup: 1 })).toEqual({
      kind: 'per-execute',
      samples: [{ acceleratorExecuteMs: 1.734, acceleratorCycles: 29239, hvxThreads: 4 }],
      acceleratorExecuteMs: 1.734,
      acceleratorCycles: 29239,
      hvxThreads: 4,
      npuRan: true,
      ips: 412.5,
    });
  });

  it('says the NPU did not run when an execute reports no accelerator time', () => {
    const text =
      '{"messages":[{"method":"BACKEND_EXECUTE","profilingEvents":[{"identifier":"QNN ' +
      '(execute) time","unit":"MICROSEC","type":"EXECUTE","value":3001}]}]}';
    expect(qnnJsonLatency(parseQnnProfileJson(text)).npuRan).toBe(false);
    expect(qnnJsonLatency(parseQnnProfileJson('{"messages":[]}')).npuRan).toBeUndefined();
  });

  it('rejects text that is not the reader JSON', () => {
    expect(() => parseQnnProfileJson('')).toThrow(/not JSON/);
    expect(() => parseQnnProfileJson(fixture('reader-2.49-assembled.json').slice(0, 300))).toThrow(ParseError);
    expect(() => parseQnnProfileJson('{"metadata":{}}')).toThrow(/no "messages" array/);
    expect(() => parseQnnProfileJson('{"messages":[{"profilingEvents":[]}]}')).toThrow(/has no "method"/);
    expect(() => parseQnnProfileJson('{"messages":[{"method":"X","profilingEvents":[{"unit":"US"}]}]}')).toThrow(
      /has no "identifier"/,
    );
    expect(() =>
      parseQnnProfileJson('{"messages":[{"method":"X","profilingEvents":[{"identifier":"a","value":"fast"}]}]}'),
    ).toThrow(/not a number/);
  });
});
