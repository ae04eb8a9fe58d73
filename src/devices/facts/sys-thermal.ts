// Output of the fixed /sys/class/thermal script (src/transports/sys-thermal-script.ts): one line per
// zone, `<zone type> <raw temp>`. Shared by Android (adb) and Linux hosts (SSH).
//
// Units are not uniform across kernels and drivers. Most zones report milli-degrees, some report
// degrees, a few tenths. Heuristic, on the absolute raw value: >= 1000 is milli-°C (45300 -> 45.3),
// 200..999 is deci-°C (355 -> 35.5), below 200 is °C already (48 -> 48). A result outside -50..200 °C
// (disabled sensors report things like -273000) is dropped.

import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';

export interface SysThermalZone {
  /** Zone type, made unique with `#2`, `#3` when a type repeats. */
  name: string;
  celsius: number;
  raw: number;
}

export function sysThermalToCelsius(raw: number): number | undefined {
  const abs = Math.abs(raw);
  const celsius = abs >= 1000 ? raw / 1000 : abs >= 200 ? raw / 10 : raw;
  if (!Number.isFinite(celsius) || celsius < -50 || celsius > 200) return undefined;
  return Math.round(celsius * 1000) / 1000;
}

export function parseSysThermal(capture: CaptureInput): SysThermalZone[] {
  const text = decodeCapture(capture, 'thermal zone listing');
  const zones: SysThermalZone[] = [];
  const seen = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(.*\S)\s+(-?\d+)\s*$/.exec(line.trim());
    if (!match) continue;
    const raw = Number(match[2]);
    const celsius = sysThermalToCelsius(raw);
    if (celsius === undefined) continue;
    const type = match[1]!;
    const count = (seen.get(type) ?? 0) + 1;
    seen.set(type, count);
    zones.push({ name: count === 1 ? type : `${type}#${count}`, celsius, raw });
  }
  return zones;
}
