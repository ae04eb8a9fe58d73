// Stand-ins for the Apple and vendor tools the SSH runners drive, installed on the test sshd's host
// (this machine). Each logs its argv, one argument per line after an `@@ARGV <count>` line, so tests
// can assert on exact arguments; each replays the saved output in test/fixtures/outputs/.
//
//   xcrun                  `xcrun devicectl list devices | device info details | info apps | copy to |
//                          process launch` for an iPhone: listing and details from devicectl/, copies
//                          into a fake app container folder, launches replay devicectl-app/ with the
//                          launch's run id, model and counts
//   node                   logs, then runs the real node (`hang` modes sleep instead, pid recorded)
//   onnxruntime_perf_test  prints ort-perf-test/v1.23-total-arm-learning-paths.txt and writes the
//                          result_file from ort-perf-test/result-file-5col-assembled.csv
//
// A stand-in's mode is a file next to it (`<name>.mode`), since an SSH session does not inherit the
// test's environment. The scripts embed their paths at creation, quoted or JSON-encoded.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quoteArg } from '../../src/transports/quote.js';
import { repoRoot } from './cli.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'outputs');

export interface StandIn {
  /** The executable to name in a profile. */
  path: string;
  /** Every invocation's argv (without the program itself), in order. */
  calls(): string[][];
  /** Switches behaviour for the following invocations ('ok' is the default) and forgets the last hung pid. */
  setMode(mode: string): void;
  /** Pid of the process a `hang` mode left sleeping, once it started. */
  hungPid(): number | undefined;
}

function readCalls(log: string): string[][] {
  if (!existsSync(log)) return [];
  const lines = readFileSync(log, 'utf8').split('\n');
  const calls: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^@@ARGV (\d+)$/.exec(lines[i]!);
    if (!m) continue;
    const n = Number(m[1]);
    calls.push(lines.slice(i + 1, i + 1 + n));
    i += n;
  }
  return calls;
}

function standIn(dir: string, name: string, text: string): StandIn {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  const log = `${path}.argv.log`;
  const mode = `${path}.mode`;
  const pid = `${path}.pid`;
  return {
    path,
    calls: () => readCalls(log),
    setMode: (m) => {
      rmSync(pid, { force: true });
      writeFileSync(mode, m);
    },
    hungPid: () => (existsSync(pid) ? Number(readFileSync(pid, 'utf8').trim()) : undefined),
  };
}

/** The argv logging prelude of the shell stand-ins; paths are quoted, never pasted raw. */
function shellLog(path: string): string {
  return (
    `{ printf '@@ARGV %s\\n' "$#"; for a in "$@"; do printf ` +
    `'%s\\n' "$a"; done; } >> ${quoteArg(`${path}.argv.log`)}`
  );
}

/**
 * `node` on the device: logs, then runs the real node. Modes: `hang` (every model run sleeps instead),
 * `hang-at <n>` (only the n-th model run since the log began). A probe never hangs.
 */
export function nodeStandIn(dir: string): StandIn {
  const path = join(dir, 'node');
  return standIn(
    dir,
    'node',
    `#!/bin/sh
${shellLog(path)}
case " $* " in *" --probe "*) ;; *)
  n=$(grep -c -x -e --model ${quoteArg(`${path}.argv.log`)})
  case "$(cat ${quoteArg(`${path}.mode`)} 2>/dev/null)" in
    hang|"hang-at $n") echo "$$" > ${quoteArg(`${path}.pid`)}; exec sleep 600 ;;
  esac ;;
esac
exec ${quoteArg(process.execPath)} "$@"
`,
  );
}

/** An app as `devicectl device info apps` lists it. */
export interface InstalledApp {
  bundleIdentifier: string;
  name?: string;
  version?: string;
  bundleVersion?: string;
}

/**
 * `xcrun` on the Mac. App containers are folders under `<dir>/containers/<bundle id, URI-encoded>`.
 * The mode file holds one mode per line, each `<mode>` or `<mode>@<text>` (only for calls with an
 * argument containing text, e.g. a model name), so one run can fail differently per entry. Modes:
 *   ok          the default
 *   hang        a launch never returns (its pid is recorded)
 *   app-error   a launch replays devicectl-app/app-error.txt
 *   no-app      a launch fails the way devicectl does when the app is not installed
 *   copy-fail   a copy fails
 *   copy-lost   a copy reports success but nothing arrives (as when the app was reinstalled behind
 *               the harness's back)
 *   list-empty  `list devices` lists no device
 * `list devices` writes the verbatim listing of devicectl/list-devices-rock.json; `device info apps`
 * answers for its devices with the apps installApp() put there, and as devicectl does for an unknown
 * device otherwise.
 */
export function xcrunStandIn(dir: string): StandIn & {
  container(bundleId: string): string;
  /** Makes `device info apps` list this app on that device (a CoreDevice identifier of the listing). */
  installApp(device: string, app: InstalledApp): void;
} {
  const path = join(dir, 'xcrun');
  const containers = join(dir, 'containers');
  const script = `#!${process.execPath}
(function () {
const fs = require('node:fs');
const path = require('node:path');
const self = ${JSON.stringify(path)};
const fixtures = ${JSON.stringify(fixtures)};
const containers = ${JSON.stringify(containers)};
const argv = process.argv.slice(2);
fs.appendFileSync(self + '.argv.log', '@@ARGV ' + argv.length + '\\n' + argv.map((a) => a + '\\n').join(''));
// One mode per line, \`<mode>\` or \`<mode>@<text>\`: the first that applies to this call (text in an argument) wins.
const modeFile = self + '.mode';
const modes = fs.existsSync(modeFile)
  ? fs.readFileSync(modeFile, 'utf8').split('\\n').map((l) => l.trim()).filter(Boolean)
  : [];
const applies = ([, where]) => where === undefined || argv.some((a) => a.includes(where));
const mode = (modes.map((l) => l.split('@')).find(applies) || ['ok'])[0];
const flag = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const fail = (message, code = 1) => { process.stderr.write(message + '\\n'); process.exit(code); };
const container = (bundle) => path.join(containers, encodeURIComponent(bundle));
const inside = (bundle, rel) => {
  if (path.isAbsolute(rel) || rel.split('/').includes('..')) fail('ERROR: destination outside the container: ' + rel);
  return path.join(container(bundle), rel);
};
const fixture = (...p) => fs.readFileSync(path.join(fixtures, ...p), 'utf8');
if (argv[0] !== 'devicectl') {
  fail('xcrun: error: unable to find utility "' + argv[0] + '", not a developer tool or in PATH', 72);
}
const verb = argv.slice(1, 4).join(' ');
if (verb === 'device info details') {
  const found = flag('--device') !== 'missing-device';
  const details = found ? 'device-details-constructed.json' : 'device-not-found-constructed.json';
  fs.writeFileSync(flag('--json-output'), fixture('devicectl', details));
  if (!found) fail('ERROR: The specified device was not found. (com.apple.dt.CoreDeviceError error 1000 (0x3E8))');
  process.stdout.write('10:42:17  Acquired tunnel connection to device.\\n');
  return;
}
if (argv.slice(1, 3).join(' ') === 'list devices') {
  // The verbatim listing (an Apple Vision Pro, tunnel unavailable, and a wired iPhone 13 Pro).
  const doc = JSON.parse(fixture('devicectl', 'list-devices-rock.json'));
  if (mode === 'list-empty') doc.result.devices = [];
  fs.writeFileSync(flag('--json-output'), JSON.stringify(doc, null, 2));
  return;
}
if (verb === 'device info apps') {
  const device = flag('--device');
  const known = JSON.parse(fixture('devicectl', 'list-devices-rock.json')).result.devices.map((d) => d.identifier);
  if (!known.includes(device)) {
    fs.writeFileSync(flag('--json-output'), fixture('devicectl', 'info-apps-failed-flutter.json'));
    fail('ERROR: The specified device was not found. (com.apple.dt.CoreDeviceError error 1000 (0x3E8))');
  }
  // The verbatim document with this call's device, bundle id and the apps installed on that device.
  const doc = JSON.parse(fixture('devicectl', 'info-apps-found-flutter.json'));
  const template = doc.result.apps[0];
  const byDevice = fs.existsSync(self + '.apps.json') ? JSON.parse(fs.readFileSync(self + '.apps.json', 'utf8')) : {};
  const installed = (byDevice[device] || []).filter((a) => a.bundleIdentifier === flag('--bundle-id'));
  doc.info.arguments = argv;
  doc.result.deviceIdentifier = device;
  doc.result.matchingBundleIdentifier = flag('--bundle-id');
  doc.result.apps = installed.map((a) => Object.assign({}, template, a));
  fs.writeFileSync(flag('--json-output'), JSON.stringify(doc, null, 2));
  return;
}
if (verb === 'device copy to') {
  if (mode === 'copy-fail') {
    fail('ERROR: Failed to copy to the app container. (com.apple.dt.CoreDeviceError error 7000)');
  }
  if (flag('--domain-type') !== 'appDataContainer') fail('ERROR: unsupported domain type ' + flag('--domain-type'));
  const target = inside(flag('--domain-identifier'), flag('--destination'));
  if (mode !== 'copy-lost') {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(flag('--source'), target);
  }
  process.stdout.write('Copied ' + flag('--source') + ' to ' + flag('--destination') + '.\\n');
  return;
}
if (verb !== 'device process launch') fail('devicectl stand-in: unsupported command ' + verb, 64);
let i = 4;
const launchFlags = ['--console', '--terminate-existing', '--device'];
while (launchFlags.includes(argv[i])) i += argv[i] === '--device' ? 2 : 1;
const bundle = argv[i];
const appArgs = argv.slice(i + 1).filter((a) => a.startsWith('--nsbench-'));
const app = Object.fromEntries(
  appArgs.map((a) => { const at = a.indexOf('='); return [a.slice(10, at), a.slice(at + 1)]; }),
);
if (mode === 'hang') { fs.writeFileSync(self + '.pid', String(process.pid)); setInterval(() => {}, 1000); return; }
if (mode === 'no-app') {
  fail('ERROR: The requested application ' + bundle + ' is not installed. (com.apple.dt.CoreDeviceError error 10002)');
}
// The documented console (noisy-console.txt): devicectl's lines, then the app's, with this launch's
// run id, model, compute units and counts.
const lines = fixture('devicectl-app', 'noisy-console.txt').split('\\n').filter((l) => l !== '');
const first = lines.findIndex((l) => l.includes('NSBENCH/1'));
const out = lines.slice(0, first);
if (mode === 'app-error') {
  const errorLines = fixture('devicectl-app', 'app-error.txt').split('\\n').filter((l) => l.startsWith('NSBENCH/1'));
  out.push(...errorLines.map((l) => l.replace('r-20250114-0007', app['run-id'])));
} else if (!fs.existsSync(inside(bundle, app.model))) {
  out.push('NSBENCH/1 error load: no model at ' + app.model);
} else {
  const rest = lines.slice(first);
  const iterations = Number(app.iterations), warmup = Number(app.warmup);
  const values = (kind) =>
    rest
      .map((l) => new RegExp('NSBENCH/1 ' + kind + ' \\\\d+ (\\\\S+)\\\\s*$').exec(l))
      .filter(Boolean)
      .map((m) => m[1]);
  const warmups = values('warmup'), samples = values('sample');
  // The saved run verbatim when the counts match it; otherwise its values, cycled.
  const verbatim = iterations === samples.length && warmup === warmups.length;
  for (const line of rest) {
    const header = /^(.*NSBENCH\\/1 header )(\\{.*\\})$/.exec(line);
    if (header) {
      const h = Object.assign(JSON.parse(header[2]), {
        runId: app['run-id'], model: path.basename(app.model), computeUnits: app['compute-units'], iterations, warmup,
      });
      out.push(header[1] + JSON.stringify(h));
      if (!verbatim) {
        for (let k = 0; k < warmup; k++) out.push('NSBENCH/1 warmup ' + k + ' ' + warmups[k % warmups.length]);
        for (let k = 0; k < iterations; k++) out.push('NSBENCH/1 sample ' + k + ' ' + samples[k % samples.length]);
      }
    } else if (/NSBENCH\\/1 done /.test(line)) out.push('NSBENCH/1 done ' + iterations);
    else if (!verbatim && /NSBENCH\\/1 (warmup|sample) /.test(line)) continue;
    else out.push(line);
  }
}
process.stdout.write(out.join('\\n') + '\\n');
})();
`;
  const s = standIn(dir, 'xcrun', script);
  const apps = `${path}.apps.json`;
  return {
    ...s,
    container: (bundleId: string) => join(containers, encodeURIComponent(bundleId)),
    installApp: (device: string, app: InstalledApp) => {
      const all = existsSync(apps) ? (JSON.parse(readFileSync(apps, 'utf8')) as Record<string, unknown[]>) : {};
      writeFileSync(apps, JSON.stringify({ ...all, [device]: [...(all[device] ?? []), app] }));
    },
  };
}

/**
 * `onnxruntime_perf_test` in a runtime folder (pushed by the ort-perf-test runner): `-h` answers, a
 * run prints the v1.23 output and writes the result_file (the last argument, when it ends in .csv)
 * with the fixture's rows, cycled to the `-r` count. `cpus()`: the CPUs each run was allowed (taskset).
 */
export function perfTestStandIn(runtimeDir: string, logDir: string): StandIn & { cpus(): string[] } {
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, 'onnxruntime_perf_test');
  const script = `#!${process.execPath}
(function () {
const fs = require('node:fs');
const path = require('node:path');
const self = ${JSON.stringify(logPath)};
const fixtures = ${JSON.stringify(join(fixtures, 'ort-perf-test'))};
const argv = process.argv.slice(2);
fs.appendFileSync(self + '.argv.log', '@@ARGV ' + argv.length + '\\n' + argv.map((a) => a + '\\n').join(''));
if (argv.includes('-h')) {
  process.stdout.write('onnxruntime_perf_test [options...] model_path [result_file]\\n');
  return;
}
// The CPUs it may run on, so a test can see the taskset mask took effect.
const cpus = (fs.readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\\s*(\\S+)/m) || [])[1];
fs.appendFileSync(self + '.cpus', cpus + '\\n');
const runs = Number(argv[argv.indexOf('-r') + 1] || 5);
const last = argv[argv.length - 1];
if (last.endsWith('.csv')) {
  const rows = fs.readFileSync(path.join(fixtures, 'result-file-5col-assembled.csv'), 'utf8')
    .split('\\n').filter((l) => /^[^,]+,[0-9.e-]+,/.test(l));
  const model = argv[argv.length - 2];
  const out = Array.from({ length: runs }, (_, i) => {
    const f = rows[i % rows.length].split(',');
    return [model, f[1], f[2], f[3], i].join(',');
  });
  fs.appendFileSync(last, out.join('\\n') + '\\n');
}
process.stdout.write(fs.readFileSync(path.join(fixtures, 'v1.23-total-arm-learning-paths.txt'), 'utf8'));
})();
`;
  const s = standIn(runtimeDir, 'onnxruntime_perf_test', script);
  const cpus = `${logPath}.cpus`;
  return {
    ...s,
    calls: () => readCalls(`${logPath}.argv.log`),
    cpus: () => (existsSync(cpus) ? readFileSync(cpus, 'utf8').trim().split('\n') : []),
  };
}
