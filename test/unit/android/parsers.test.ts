import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseDumpsysBattery } from '../../../src/devices/facts/android-battery.js';
import { firstProp, parseGetprop } from '../../../src/devices/facts/android-getprop.js';
import { parseThermalService, thermalStatusText } from '../../../src/devices/facts/android-thermalservice.js';
import { parseSysThermal, sysThermalToCelsius } from '../../../src/devices/facts/sys-thermal.js';

const fixture = (name: string) => readFileSync(join('test', 'fixtures', 'outputs', 'android', name), 'utf8');

describe('getprop', () => {
  it('reads [key]: [value] lines, including values that span several lines', () => {
    const props = parseGetprop(fixture('getprop-pixel.txt'));
    expect(props['ro.product.model']).toBe('Pixel 8 Pro');
    expect(props['ro.soc.model']).toBe('Tensor G3');
    expect(props['ro.build.fingerprint']).toBe('google/husky/husky:15/AP4A.250105.002/12701944:user/release-keys');
    expect(props['persist.vendor.radio.multiline']).toBe('first line\nsecond line\nthird line');
    expect(props['sys.usb.state']).toBe('adb');
    expect(Object.keys(props)).toHaveLength(23);
  });
  it('falls back from ro.soc.model to ro.board.platform, then ro.hardware', () => {
    const props = parseGetprop(fixture('getprop-old-no-soc.txt'));
    expect(firstProp(props, 'ro.soc.model', 'ro.board.platform', 'ro.hardware')).toBe('msm8998');
    expect(
      firstProp({ 'ro.soc.model': ' ', 'ro.hardware': 'qcom' }, 'ro.soc.model', 'ro.board.platform', 'ro.hardware'),
    ).toBe('qcom');
  });
  it('handles CRLF, empty values and brackets inside values', () => {
    expect(parseGetprop('[a]: []\r\n[b]: [x [y] z]\r\n')).toEqual({ a: '', b: 'x [y] z' });
  });
  it('rejects text without any property line', () => {
    expect(() => parseGetprop('/system/bin/sh: getprop: not found\n')).toThrow(ParseError);
    expect(parseGetprop('')).toEqual({});
  });
});

describe('dumpsys thermalservice', () => {
  it('reads only the current HAL block of the Samsung sample, names first, types off by one', () => {
    const r = parseThermalService(fixture('thermalservice-samsung.txt'));
    expect(r.status).toBe(0);
    expect(r.halBlock).toBe(true);
    expect(r.typeOffset).toBe(1);
    expect(r.temperatures).toEqual([
      { name: 'TYPE_CPU', celsius: 24.0, quantity: 'temperature', type: 1, status: 0, kind: 'cpu' },
      { name: 'TYPE_SKIN', celsius: 25.3, quantity: 'temperature', type: 4, status: 0, kind: 'skin' },
    ]);
  });
  it('keys Xiaomi-style names (CPU0..7, battery, skin), drops -99.9 and ignores cached values', () => {
    const r = parseThermalService(fixture('thermalservice-xiaomi.txt'));
    expect(r.status).toBe(2);
    const byName = Object.fromEntries(r.temperatures.map((t) => [t.name, t]));
    expect(Object.keys(byName)).toEqual([
      'CPU0',
      'CPU1',
      'CPU2',
      'CPU3',
      'CPU4',
      'CPU5',
      'CPU6',
      'CPU7',
      'GPU0',
      'battery',
      'skin',
      'soc',
    ]);
    // Cached said 61.2 / 44.9; the current HAL values are what count.
    expect(byName.CPU0!.celsius).toBe(48.3);
    expect(byName.skin!.celsius).toBe(41.8);
    expect(byName.nsp0).toBeUndefined();
    expect(byName.CPU7!.kind).toBe('cpu');
    expect(byName.battery!.kind).toBe('battery');
    expect(byName.soc!.kind).toBe('soc');
    expect(r.typeOffset).toBe(0);
  });
  it('reads fields in any order', () => {
    const r = parseThermalService(fixture('thermalservice-reordered.txt'));
    expect(r.status).toBe(1);
    expect(r.temperatures.map((t) => [t.name, t.celsius, t.kind])).toEqual([
      ['VIRTUAL-SKIN', 36.25, 'skin'],
      ['cpu-0-0-usr', 42.5, 'cpu'],
      ['battery', 30.1, 'battery'],
    ]);
  });
  it('falls back to the AOSP type when the name says nothing, and makes repeated names unique', () => {
    const text =
      'Thermal Status: 0\nCurrent temperatures from HAL:\n\tTemperature{mValue=30.0, mType=9, ' +
      'mName=x1, mStatus=0}\n\tTemperature{mValue=31.0, mType=9, mName=x1, mStatus=0}\n';
    const r = parseThermalService(text);
    expect(r.temperatures.map((t) => [t.name, t.kind])).toEqual([
      ['x1', 'npu'],
      ['x1#2', 'npu'],
    ]);
  });
  it('says when there is no HAL block, keeping the status', () => {
    const r = parseThermalService('IsStatusOverride: false\nThermal Status: 3\nHAL Ready: false\n');
    expect(r).toEqual({ status: 3, temperatures: [], halBlock: false, typeOffset: 0 });
    expect(parseThermalService("Can't find service: thermalservice\n").status).toBeUndefined();
  });
  it('names the status', () => {
    expect(thermalStatusText(1)).toBe('light (1)');
    expect(thermalStatusText(2)).toBe('moderate (2)');
    expect(thermalStatusText(9)).toBe('unknown (9)');
  });
});

describe('/sys/class/thermal', () => {
  it('converts milli-, deci- and plain degrees and drops impossible values', () => {
    expect(parseSysThermal(fixture('sys-thermal.txt'))).toEqual([
      { name: 'cpu-0-0-usr', celsius: 45.3, raw: 45300 },
      { name: 'cpu-1-0-usr', celsius: 52.1, raw: 52100 },
      { name: 'gpu0-usr', celsius: 41, raw: 41000 },
      { name: 'battery', celsius: 30, raw: 30 },
      { name: 'skin-therm', celsius: 35.5, raw: 355 },
      { name: 'tsens_tz_sensor5', celsius: 48, raw: 48 },
    ]);
  });
  it('keeps zone types with spaces and makes repeated types unique', () => {
    expect(parseSysThermal('soc thermal 40000\nsoc thermal 41000\nnot a line\n')).toEqual([
      { name: 'soc thermal', celsius: 40, raw: 40000 },
      { name: 'soc thermal#2', celsius: 41, raw: 41000 },
    ]);
  });
  it('has documented unit thresholds', () => {
    expect(sysThermalToCelsius(1000)).toBe(1);
    expect(sysThermalToCelsius(999)).toBe(99.9);
    expect(sysThermalToCelsius(199)).toBe(199);
    expect(sysThermalToCelsius(-5000)).toBe(-5);
    expect(sysThermalToCelsius(-273000)).toBeUndefined();
  });
});

describe('dumpsys battery', () => {
  it('reads level, temperature in tenths of a degree, voltage and the power source', () => {
    expect(parseDumpsysBattery(fixture('battery-charging.txt'))).toEqual({
      levelPercent: 86,
      temperatureC: 31.2,
      voltageMv: 4271,
      status: 2,
      health: 2,
      plugged: 'usb',
      present: true,
      technology: 'Li-ion',
    });
  });
  it('reads an unplugged phone and ignores unknown lines', () => {
    const b = parseDumpsysBattery(fixture('battery-unplugged.txt'));
    expect(b.plugged).toBeUndefined();
    expect(b.levelPercent).toBe(43);
    expect(b.temperatureC).toBe(26.5);
    expect(b.status).toBe(3);
  });
  it('scales the level and rejects text that is not a battery dump', () => {
    expect(parseDumpsysBattery('  level: 50\n  scale: 200\n').levelPercent).toBe(25);
    expect(() => parseDumpsysBattery("Can't find service: battery\n")).toThrow(ParseError);
  });
});
