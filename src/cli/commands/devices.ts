// `bench devices`: every device profile, whether its device answers, its facts and whether its runner
// is ready (for a phone behind a Mac, every device the Mac sees); plus devices on the adb servers that
// no profile names. Exit 0, except with --device NAME:
// 4 when its profile is unusable, 6 when that device cannot be reached, 7 when its runner is not
// ready. `--device NAME --clean` removes what the harness put into that device's work folder.
import {
  cleanDevice,
  DEFAULT_CLEAN_TIMEOUT_MS,
  DEFAULT_DEVICE_TIMEOUT_MS,
  listDevices,
  type CleanReport,
  type DevicesReport,
  type ProfileReport,
} from '../../app/devices.js';
import { ExitCode, UsageError } from '../../errors.js';
import { terminalSafe } from '../../terminal-text.js';
import type { Command } from '../command.js';
import { boolFlag, listFlag, numberFlag, stringFlag } from '../flags.js';
import { renderPhones } from '../devices-phones.js';

function facts(r: ProfileReport): string[] {
  const i = r.info;
  if (!i) return [];
  const lines = [`${i.model}, SoC ${i.soc}, ${i.os}, ${i.abi}`, `build ${i.build}`];
  const battery = [
    typeof i['batteryPercent'] === 'number' ? `${i['batteryPercent']}%` : undefined,
    typeof i['batteryTemperatureC'] === 'number' ? `${i['batteryTemperatureC']} °C` : undefined,
    typeof i['batteryPlugged'] === 'string'
      ? i['batteryPlugged'] === 'none'
        ? 'on battery'
        : `charging (${i['batteryPlugged']})`
      : undefined,
  ].filter((x) => x !== undefined);
  if (battery.length > 0) lines.push(`battery ${battery.join(', ')}`);
  const t = r.thermal;
  if (t) {
    const temps = Object.entries(t.temperatures).map(([k, v]) => `${k} ${v.toFixed(1)} °C`);
    const status =
      t.status !== undefined
        ? `status ${t.status}${t.throttling ? ' (throttling)' : ''}`
        : t.throttling
          ? 'throttling'
          : undefined;
    const text = [status, temps.length > 0 ? temps.join(', ') : 'no sensors'].filter((x) => x !== undefined).join('; ');
    lines.push(`thermal ${text}`);
  }
  return lines;
}

/** The message without the `device NAME: ` / `runner NAME: ` lead, which the listing already shows. */
function bare(message: string | undefined): string {
  return (message ?? '').replace(/^(device|runner) [^:]+: /, '');
}

function renderProfile(r: ProfileReport): string {
  const out = [`${r.profile}  (${r.file})`, `  transport  ${r.transport.kind}: ${r.transport.where}`];
  if (r.reachable) {
    out.push(`  device     reachable${r.id && r.id !== 'local' ? ` as ${r.id}` : ''} (${(r.ms / 1000).toFixed(1)} s)`);
    for (const line of facts(r)) out.push(`             ${line}`);
  } else if (r.error?.code === 'NSB_INVALID_FILE') {
    // The profile itself is wrong (e.g. its workDir): the device was not tried.
    out.push(`  profile    INVALID: ${r.error.message}`);
    if (r.error.hint) out.push(`             ${r.error.hint}`);
  } else {
    out.push(`  device     NOT REACHABLE: ${bare(r.error?.message) || 'unknown error'}`);
    if (r.error?.hint) out.push(`             ${r.error.hint}`);
  }
  const runner = r.runner;
  if (runner.ready === true)
    out.push(`  runner     ${runner.name}: ready${runner.detail ? ` (${runner.detail})` : ''}`);
  else if (runner.ready === false) {
    out.push(`  runner     ${runner.name}: NOT READY: ${bare(runner.error?.message ?? runner.detail)}`);
    if (runner.error?.hint) out.push(`             ${runner.error.hint}`);
  } else out.push(`  runner     ${runner.name}: ${runner.detail ?? 'not checked'} (device not reachable)`);
  out.push(...renderPhones(r));
  if (r.requires.length > 0 && !(r.reachable && runner.ready)) {
    out.push('  requires');
    for (const q of r.requires) out.push(`    - ${q}`);
  }
  // Facts come from the device (getprop, sysctl, thermal names): none may steer the terminal.
  return out.map(terminalSafe).join('\n');
}

export function renderDevices(report: DevicesReport): string {
  const parts = report.profiles.map(renderProfile);
  const servers = report.servers.map((s) => {
    const state = s.running ? 'running' : `not running${s.error ? ` (${s.error})` : ''}`;
    return terminalSafe(`  ${s.server}: ${state}${s.profiles.length > 0 ? `; used by ${s.profiles.join(', ')}` : ''}`);
  });
  if (servers.length > 0) parts.push(`adb servers\n${servers.join('\n')}`);
  if (report.unprofiled.length > 0) {
    const rows = report.unprofiled.map((d) =>
      terminalSafe(`  ${d.serial}  ${d.state}${d.model ? `  ${d.model}` : ''}  on ${d.server}`),
    );
    parts.push(
      `devices without a profile (copy device-profiles/pixel.json and set transport.serial)\n${rows.join('\n')}`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}

export function renderClean(r: CleanReport): string {
  const where = `${r.workDir} on ${r.id}`;
  if (!r.exists) return `${r.profile}: nothing to clean: ${where} does not exist\n`;
  const lines = [
    r.removed.length > 0
      ? `${r.profile}: removed ${r.removed.join(', ')} from ${where}`
      : `${r.profile}: nothing of the harness's in ${where}`,
  ];
  if (r.kept.length > 0) lines.push(`  left alone (not created by the harness): ${r.kept.join(', ')}`);
  return `${lines.map(terminalSafe).join('\n')}\n`;
}

/** `bench: message` and its hint, as main.ts prints errors: the device's words escaped. */
function errorLines(message: string, hint: string | undefined): string {
  return `bench: ${terminalSafe(message)}\n${hint ? `  ${terminalSafe(hint)}\n` : ''}`;
}

export const devicesCommand: Command = {
  name: 'devices',
  summary:
    'list every device profile: reachable?, device facts, runner ' +
    'ready?; and phones on the adb servers no profile names',
  usage: 'bench devices [--device NAME [--clean]] [--profiles DIR] [--timeout-ms MS] [--json]',
  help: `
  --device NAME      only this profile; exit 4 if the profile is unusable (e.g. its workDir), 6 if its
                     device cannot be reached, 7 if its runner is not ready
  --clean            with --device: remove what the harness put into the device's work folder (models,
                     runtimes, outputs); other files there are left alone
  --profiles DIR     extra folder of device profiles (also NANOSD_BENCH_PROFILES)
  --timeout-ms MS    time allowed per device (default ${DEFAULT_DEVICE_TIMEOUT_MS}; ${DEFAULT_CLEAN_TIMEOUT_MS} with \
--clean); devices are checked concurrently
  --json             print the report as JSON
No adb server is started: a profile whose server is not running is reported as such.`,
  options: {
    device: { type: 'string' },
    clean: { type: 'boolean' },
    profiles: { type: 'string', multiple: true },
    'timeout-ms': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const device = stringFlag(args, 'device');
    const timeoutMs = numberFlag(args, 'timeout-ms', { integer: true, min: 100 });
    if (boolFlag(args, 'clean')) {
      if (device === undefined)
        throw new UsageError('bench devices: --clean needs --device NAME (one device at a time)');
      const cleaned = await cleanDevice({
        device,
        profileDirs: listFlag(args, 'profiles'),
        env: io.env,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        signal: io.signal,
      });
      io.stdout.write(boolFlag(args, 'json') ? `${JSON.stringify(cleaned, null, 1)}\n` : renderClean(cleaned));
      return ExitCode.ok;
    }
    const report = await listDevices({
      profileDirs: listFlag(args, 'profiles'),
      env: io.env,
      ...(device !== undefined ? { device } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      signal: io.signal,
    });
    io.stdout.write(boolFlag(args, 'json') ? `${JSON.stringify(report, null, 1)}\n` : renderDevices(report));
    if (device === undefined) return ExitCode.ok;
    const one = report.profiles[0]!;
    if (!one.reachable) {
      io.stderr.write(errorLines(one.error?.message ?? `device ${device} is not reachable`, one.error?.hint));
      return one.error?.code === 'NSB_INVALID_FILE' ? ExitCode.invalidFile : ExitCode.device;
    }
    if (one.runner.ready !== true) {
      const message = one.runner.error?.message ?? `runner ${one.runner.name} is not ready on ${device}`;
      io.stderr.write(errorLines(message, one.runner.error?.hint));
      const code = one.runner.error?.code;
      // The phone went away during the runner's check: that is the device's problem.
      return code === 'NSB_INVALID_FILE'
        ? ExitCode.invalidFile
        : code === 'NSB_DEVICE'
          ? ExitCode.device
          : ExitCode.runner;
    }
    return ExitCode.ok;
  },
};
