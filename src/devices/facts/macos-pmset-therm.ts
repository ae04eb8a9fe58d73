// `pmset -g therm` on macOS. The output is three reports, each either a "Note: No ... has been
// recorded" line or a value (format strings from Apple's pmset.c, PowerManagement project):
//
//   Note: No thermal warning level has been recorded     | <date> Thermal Warning Level = <n>
//   Note: No performance warning level has been recorded | <date> Performance Warning Level = <n>
//   Note: No CPU power status has been recorded          | <date> CPU Power notify
//                                                        |   \t<KEY> \t= <n>   (one line per key)
//
// CPU power keys seen in the wild: CPU_Scheduler_Limit and CPU_Speed_Limit (percent, 100 = not
// limited) and CPU_Available_CPUs. Apple Silicon Macs often print only the three notes. Pure.
import { ParseError } from '../../errors.js';
import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';

export interface PmsetTherm {
  /** null when no thermal warning level has been recorded (the normal state). */
  thermalWarningLevel: number | null;
  /** null when no performance warning level has been recorded. */
  performanceWarningLevel: number | null;
  /** Every `CPU_*` value of the CPU power report; empty when none has been recorded. */
  cpuPower: Record<string, number>;
  /** Percent of full clock speed allowed; null when not reported. */
  cpuSpeedLimit: number | null;
  /** Percent of scheduler time allowed; null when not reported. */
  cpuSchedulerLimit: number | null;
  cpuAvailableCpus: number | null;
  /** Lines pmset printed as `Error...` (a report it could not read). */
  errors: string[];
  /** A speed or scheduler limit below 100, or any warning level above 0. */
  throttling: boolean;
  /** One line for the LUT, e.g. `thermal warning none, performance warning none, CPU_Speed_Limit=100`. */
  status: string;
}

export function parsePmsetTherm(capture: CaptureInput): PmsetTherm {
  const text = decodeCapture(capture, 'pmset -g therm output');
  let thermalWarningLevel: number | null = null;
  let performanceWarningLevel: number | null = null;
  const cpuPower: Record<string, number> = {};
  const errors: string[] = [];
  let recognised = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /Thermal Warning Level\s*=\s*(-?\d+)/i.exec(line))) {
      thermalWarningLevel = Number(m[1]);
    } else if ((m = /Performance Warning Level\s*=\s*(-?\d+)/i.exec(line))) {
      performanceWarningLevel = Number(m[1]);
    } else if ((m = /^(CPU_[A-Za-z_]+)\s*=\s*(-?\d+)$/.exec(line))) {
      cpuPower[m[1]!] = Number(m[2]);
    } else if (
      /^Note: No (thermal warning level|performance warning level|CPU power status) has been recorded/i.test(line) ||
      /CPU Power notify$/.test(line)
    ) {
      // Recognised, nothing to record.
    } else if (/^Error/i.test(line)) {
      errors.push(line);
    } else {
      continue;
    }
    recognised = true;
  }
  if (!recognised)
    throw new ParseError(
      'pmset -g therm output',
      'no thermal, performance or CPU power report found',
      text.slice(0, 200),
    );
  const limit = (key: string) => cpuPower[key] ?? null;
  const cpuSpeedLimit = limit('CPU_Speed_Limit');
  const cpuSchedulerLimit = limit('CPU_Scheduler_Limit');
  const throttling =
    (cpuSpeedLimit !== null && cpuSpeedLimit < 100) ||
    (cpuSchedulerLimit !== null && cpuSchedulerLimit < 100) ||
    (thermalWarningLevel ?? 0) > 0 ||
    (performanceWarningLevel ?? 0) > 0;
  const status = [
    `thermal warning ${thermalWarningLevel ?? 'none'}`,
    `performance warning ${performanceWarningLevel ?? 'none'}`,
    ...Object.entries(cpuPower).map(([k, v]) => `${k}=${v}`),
    ...errors,
  ].join(', ');
  return {
    thermalWarningLevel,
    performanceWarningLevel,
    cpuPower,
    cpuSpeedLimit,
    cpuSchedulerLimit,
    cpuAvailableCpus: limit('CPU_Available_CPUs'),
    errors,
    throttling,
    status,
  };
}
