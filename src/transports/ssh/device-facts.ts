// Reads the output of the info scripts (scripts.ts) into the DeviceInfo every LUT records. Pure.
import type { DeviceInfo } from '../types.js';

/** Splits `@@name` sections; the value is the text up to the next marker, trimmed. */
export function parseSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name !== undefined) sections.set(name, lines.join('\n').trim());
  };
  for (const line of text.split('\n')) {
    const marker = /^@@([a-z0-9_-]+)$/.exec(line.trimEnd());
    if (marker) {
      flush();
      name = marker[1];
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  return sections;
}

/** `KEY: value` or `KEY=value` lines into a map (first occurrence wins). */
function keyValues(text: string | undefined, separator: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = separator.exec(line);
    if (!m || m.index === 0) continue;
    const key = line.slice(0, m.index).trim();
    let value = line.slice(m.index + m[0].length).trim();
    if (/^".*"$/.test(value) || /^'.*'$/.test(value)) value = value.slice(1, -1);
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

/** Values firmware vendors leave in DMI tables when they have nothing to say. */
const placeholder =
  /^(to be filled by o\.e\.m\.|default string|system product name|system manufacturer|not specified|none|)$/i;

function firstReal(...values: (string | undefined)[]): string | undefined {
  return values.map((v) => v?.trim()).find((v): v is string => v !== undefined && !placeholder.test(v));
}

function count(text: string | undefined): number | undefined {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) ? n : undefined;
}

export function linuxDeviceInfo(text: string): DeviceInfo {
  const s = parseSections(text);
  const osRelease = keyValues(s.get('os-release'), /=/);
  const cpuinfo = keyValues(s.get('cpuinfo'), /\s*:\s*/);
  const lscpu = keyValues(s.get('lscpu'), /:\s*/);
  const dmi = (s.get('dmi') ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !placeholder.test(l));
  const release = s.get('uname-r') ?? '';
  const name = osRelease.get('NAME');
  const version = osRelease.get('VERSION_ID');
  return {
    // Boards name themselves in the device tree (Raspberry Pi, Jetson, RK3588 boards); PCs in DMI.
    model: firstReal(s.get('dt-model'), cpuinfo.get('Model'), dmi.length > 0 ? dmi.join(' ') : undefined) ?? 'unknown',
    soc: firstReal(cpuinfo.get('Hardware'), cpuinfo.get('model name'), lscpu.get('Model name')) ?? 'unknown',
    os:
      firstReal(osRelease.get('PRETTY_NAME'), name && version ? `${name} ${version}` : name) ??
      `Linux ${release}`.trim(),
    build: `${release} ${s.get('uname-v') ?? ''}`.trim(),
    abi: s.get('uname-m') || 'unknown',
    platform: 'linux',
    kernel: s.get('uname-a') ?? '',
    cpus: count(s.get('nproc')),
  };
}

export function macosDeviceInfo(text: string): DeviceInfo {
  const s = parseSections(text);
  const sw = keyValues(s.get('sw_vers'), /:\s*/);
  const product = sw.get('ProductName') ?? 'macOS';
  const version = sw.get('ProductVersion') ?? '';
  return {
    model: s.get('hw-model') || 'unknown',
    soc: s.get('brand') || 'unknown',
    os: `${product} ${version}`.trim(),
    build: sw.get('BuildVersion') ?? '',
    abi: s.get('uname-m') || 'unknown',
    platform: 'darwin',
    kernel: s.get('uname-a') ?? '',
    cpus: count(s.get('ncpu')),
  };
}
