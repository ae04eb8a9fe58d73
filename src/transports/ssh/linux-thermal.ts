// Reads the output of linuxThermalScript (scripts.ts): zone temperatures in the shared
// /sys/class/thermal format (parsed by devices/facts/sys-thermal.ts, as for Android and the local
// host), then cooling devices with their current and maximum state. Pure.
import { parseSysThermal } from '../../devices/facts/sys-thermal.js';
import type { ThermalReading } from '../types.js';

/** Cooling devices that slow the chip down (as opposed to fans): a non-zero state means throttling. */
const throttlingCooler = /cpufreq|processor|cpu|gpu|devfreq|thermal-idle|npu|dsp/i;

export function parseLinuxThermal(text: string): ThermalReading {
  const at = text.search(/^@@cooling$/m);
  const zones = at >= 0 ? text.slice(0, at) : text;
  const cooling = at >= 0 ? text.slice(at) : '';
  const temperatures = Object.fromEntries(parseSysThermal(zones).map((z) => [z.name, z.celsius]));
  const active: string[] = [];
  for (const line of cooling.split('\n')) {
    const [device = '', type = '', cur = ''] = line.split('\t');
    const state = Number.parseInt(cur.trim(), 10);
    if (state > 0 && throttlingCooler.test(type)) active.push(`${type.trim() || device}=${state}`);
  }
  return {
    temperatures,
    throttling: active.length > 0,
    ...(active.length > 0 ? { status: `cooling active: ${active.join(', ')}` } : {}),
  };
}
