// The shapes real captures come in, each on a capture (verbatim where one is public, assembled from
// the documented format where none is; see the fixture README): indented or prefixed lines, other
// wordings, UTF-16 with CRLF, non-temperature thermal entries, and text given to the wrong parser.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hottest } from '../../../src/measure/thermal-gate.js';
import { parseThermalService, temperaturesOnly } from '../../../src/devices/facts/android-thermalservice.js';
import { parseGetprop } from '../../../src/devices/facts/android-getprop.js';
import { parseOrtPerfTest } from '../../../src/runners/ort-perf-test/parser.js';
import { parseQnnProfileViewer } from '../../../src/runners/qnn-net-run/profile-viewer.js';
import { parseTfliteBenchmark } from '../../../src/runners/tflite-benchmark/parser.js';
import { parseSnpeDiagview } from '../../../src/runners/snpe-net-run/diagview.js';
import { parseSnpeNetRunLog } from '../../../src/runners/snpe-net-run/net-run-log.js';
import { DIAGVIEW, NET_RUN_LOG, ORT, THERMAL, TFLITE } from './corpus-expectations.js';

const read = (path: string) => readFileSync(new URL(`../../fixtures/outputs/${path}`, import.meta.url), 'utf8');
/** What Windows PowerShell writes for `adb shell … > file`: UTF-16LE with a mark, CRLF. */
const powershell = (text: string) =>
  new Uint8Array([0xff, 0xfe, ...Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf16le')]);

describe('onnxruntime_perf_test output whose every line is indented or prefixed', () => {
  it('reads a documentation code block (ORT 1.20.1, ACL EP) indented by four spaces', () => {
    const r = parseOrtPerfTest(read('ort-perf-test/v1.20-acl-indented-yocto-doc.txt'));
    expect(r).toMatchObject({
      generation: 'inference',
      averageMs: 17.735,
      requests: 8,
      firstInferenceMs: 20,
      totalRunMs: 141.991,
      statisticsRuns: 8,
    });
    expect(r.latenciesMs).toEqual({
      min: 15.9831,
      max: 23.2702,
      p50: 16.7086,
      p90: 23.2702,
      p95: 23.2702,
      p99: 23.2702,
      p999: 23.2702,
    });
    expect(r.shapeGroups).toBeUndefined();
  });

  it('reads the same summary behind a logcat header or a CI timestamp on every line', () => {
    const plain = parseOrtPerfTest(read('ort-perf-test/v1.23-total-arm-learning-paths.txt'));
    expect(parseOrtPerfTest(read('ort-perf-test/v1.23-logcat-prefix-assembled.txt'))).toEqual(plain);
    expect(parseOrtPerfTest(read('ort-perf-test/v1.23-ci-timestamp-assembled.txt'))).toEqual(plain);
  });

  it('reads "Total CPU usage: N %" as the CPU figure', () => {
    expect(parseOrtPerfTest(read('ort-perf-test/2020-total-cpu-usage-assembled.txt')).avgCpuPercent).toBe(68);
  });
});

describe('dumpsys thermalservice entries that are not temperatures', () => {
  it('types BCL voltage (6), current (7) and percentage (8) by number, whatever the name says', () => {
    const r = parseThermalService(read('android/thermalservice-qcom-bcl-memfault.txt'));
    const byName = Object.fromEntries(r.temperatures.map((t) => [t.name, t]));
    // "vbat" ends in "bat" but is the battery voltage, 4.384 V; "socd" is a percentage, 11.
    expect(byName.vbat).toMatchObject({ celsius: 4.384, quantity: 'bcl-voltage', kind: 'bcl_voltage' });
    expect(byName.socd).toMatchObject({ celsius: 11.0, quantity: 'bcl-percentage', kind: 'bcl_percentage' });
    expect(byName.nsp0).toMatchObject({ quantity: 'temperature', kind: 'npu' });
    expect(temperaturesOnly(r).map((t) => t.name)).not.toContain('vbat');
  });

  it('keeps mA, mV and unknown-unit entries of a Pixel 6 away from the hottest-sensor rule', () => {
    const r = parseThermalService(read('android/thermalservice-pixel6-bcl-skia.txt'));
    const quantities = Object.fromEntries(r.temperatures.map((t) => [t.name, t.quantity]));
    expect(quantities).toMatchObject({
      ocp_cpu2: 'bcl-current',
      vdroop1: 'bcl-voltage',
      soc: 'bcl-percentage',
      'USB2-MINUS-USB': 'unknown',
      battery: 'temperature',
    });
    const reading = {
      temperatures: Object.fromEntries(temperaturesOnly(r).map((t) => [t.name, t.celsius])),
      throttling: false,
    };
    // Read as °C, ocp_cpu2's 11900 mA would be the hottest sensor by far and hold every run in cool-down.
    expect(hottest(reading, [])).toBe(27.000002);
  });
});

describe('captures saved as UTF-16 with a byte-order mark and CRLF', () => {
  it('getprop: every property, the first one included', () => {
    const bytes = new Uint8Array(
      readFileSync(
        new URL('../../fixtures/outputs/android/getprop-pixel-utf16le-bom-crlf-assembled.txt', import.meta.url),
      ),
    );
    const props = parseGetprop(bytes);
    expect(props['aaudio.mmap_policy']).toBe('2');
    expect(props).toEqual(parseGetprop(read('android/getprop-pixel.txt')));
  });

  const cases = [
    ...ORT.filter((c) => !c.expected.failure).map(
      (c) => ['onnxruntime_perf_test', `ort-perf-test/${c.file}`, parseOrtPerfTest] as const,
    ),
    ...TFLITE.filter((c) => !c.expected.failed).map(
      (c) => ['benchmark_model', `tflite-benchmark/${c.file}`, parseTfliteBenchmark] as const,
    ),
    ...THERMAL.filter((c) => !c.file.includes('utf16')).map(
      (c) => ['thermalservice', `android/${c.file}`, parseThermalService] as const,
    ),
    ...DIAGVIEW.map((c) => ['snpe-diagview', `snpe-diagview/${c.file}`, parseSnpeDiagview] as const),
    ...NET_RUN_LOG.map((c) => ['snpe-net-run log', `snpe-net-run/${c.file}`, parseSnpeNetRunLog] as const),
  ];
  it.each(cases)('%s: %s reads the same in UTF-16LE + CRLF', (_tool, path, parse) => {
    const text = read(path);
    expect((parse as (input: string | Uint8Array) => unknown)(powershell(text))).toEqual(
      (parse as (input: string) => unknown)(text),
    );
  });
});

describe('text given to the wrong parser says what it looks like', () => {
  it('SNPE output given to the QNN viewer parser, and QNN output given to the SNPE parser', () => {
    expect(() => parseQnnProfileViewer(read('snpe-diagview/v2.37-dsp-int8-gesture.txt'))).toThrow(
      'cannot parse qnn-profile-viewer output: no "... Stats:" section with NetRun, Backend or ' +
        'per-run values; the text looks like snpe-diagview output (SNPE), not qnn-profile-viewer output',
    );
    expect(() => parseSnpeDiagview(read('qnn-profile-viewer/basic-average-reference.txt'))).toThrow(
      'cannot parse snpe-diagview output: no "Average SNPE Statistics:" (or QAIRT-era "SNPE Execute ' +
        'Statistics (Averaged):") section; the text looks like ' +
        'qnn-profile-viewer output (QNN), not snpe-diagview output',
    );
    expect(() => parseSnpeNetRunLog(read('ort-perf-test/2019-readme.txt'))).toThrow(
      /; the text looks like onnxruntime_perf_test output, not snpe-net-run's log$/,
    );
  });

  it('names the missing line and quotes an unknown text', () => {
    expect(() => parseOrtPerfTest('*** stack smashing detected ***: terminated\n')).toThrow(
      'cannot parse onnxruntime_perf_test output: no "Average inference time cost" (or 2019 "Average time ' +
        'cost") line; the text is 1 line of unknown text starting "*** stack smashing detected ***: terminated"',
    );
    expect(() => parseGetprop('/system/bin/sh: getprop: not found\n')).toThrow(
      'no `[key]: [value]` line; the text looks like a shell error, not getprop output',
    );
  });
});
