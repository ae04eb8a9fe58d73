// `pmset -g therm` parsing, on the samples in test/fixtures/pmset-therm (sources in its README).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { parsePmsetTherm } from '../../src/devices/facts/macos-pmset-therm.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/pmset-therm/${name}`, import.meta.url), 'utf8');

describe('parsePmsetTherm', () => {
  it('an Apple Silicon Mac with nothing recorded is not throttling', () => {
    const therm = parsePmsetTherm(fixture('apple-silicon-nominal.txt'));
    expect(therm).toMatchObject({
      thermalWarningLevel: null,
      performanceWarningLevel: null,
      cpuPower: {},
      cpuSpeedLimit: null,
      throttling: false,
    });
    expect(therm.status).toBe('thermal warning none, performance warning none');
  });

  it('reads every CPU power key, at full speed', () => {
    const therm = parsePmsetTherm(fixture('apple-silicon-cpu-power.txt'));
    expect(therm.cpuPower).toEqual({ CPU_Scheduler_Limit: 100, CPU_Available_CPUs: 12, CPU_Speed_Limit: 100 });
    expect(therm).toMatchObject({
      cpuSpeedLimit: 100,
      cpuSchedulerLimit: 100,
      cpuAvailableCpus: 12,
      throttling: false,
    });
  });

  it('a speed limit below 100 is throttling', () => {
    const therm = parsePmsetTherm(fixture('intel-throttled.txt'));
    expect(therm).toMatchObject({ cpuSpeedLimit: 35, cpuAvailableCpus: 8, throttling: true });
    expect(therm.status).toContain('CPU_Speed_Limit=35');
  });

  it('a recorded thermal warning level is throttling', () => {
    const therm = parsePmsetTherm(fixture('thermal-warning-constructed.txt'));
    expect(therm).toMatchObject({ thermalWarningLevel: 5, performanceWarningLevel: null, throttling: true });
  });

  it('accepts the keys without tabs and a reduced scheduler limit', () => {
    expect(parsePmsetTherm('CPU_Scheduler_Limit = 50\nCPU_Speed_Limit = 100\n')).toMatchObject({
      cpuSchedulerLimit: 50,
      throttling: true,
    });
  });

  it('keeps pmset error lines in the status', () => {
    const therm = parsePmsetTherm(
      'Error:Failed to get thermal warning level with error code ' +
        '0xe00002c7\nNote: No CPU power status has been recorded\n',
    );
    expect(therm.errors).toHaveLength(1);
    expect(therm.status).toContain('0xe00002c7');
  });

  it('refuses text that is not pmset output', () => {
    expect(() => parsePmsetTherm('zsh: command not found: pmset\n')).toThrow(ParseError);
    expect(() => parsePmsetTherm('')).toThrow(ParseError);
  });
});
