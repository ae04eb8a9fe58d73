// Hostile model bundles through the real `bench blocks --models` on the local device, a fake phone
// (Debian's adb server) and a real sshd: paths in a manifest or in an ONNX file's external data that
// climb out of their folder or are absolute, a symbolic link leading out of the bundle, a file that is
// not a model. Each must be refused with one line naming the file and the field (exit 4) before
// anything reaches the device: a file beside the work folder stays byte-identical, no file appears
// outside the work folders, no host file is copied into the work folder. Then what a bundle may do (a
// hard link to a file elsewhere is read, never written through) and what the device side guards (a
// link inside the work folder that leads out; a push handed a path outside the work folder).
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice } from '../../src/app/connect-device.js';
import { loadProfile } from '../../src/devices/load.js';
import { DeviceError } from '../../src/errors.js';
import { readLut } from '../../src/lut/io.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { startAdbServer, withFakePhone, type AdbServerHandle, type FakePhone } from '../support/adb-server.js';
import { nodeStandIn, type StandIn } from '../support/apple-standins.js';
import { bench, tempDir, type CliResult } from '../support/cli.js';
import { recordFault } from '../support/faults.js';
import {
  copiesOf,
  copyBundle,
  created,
  exportedPart,
  listTree,
  setExternalLocation,
  writeManifest,
  type ExportedPart,
} from '../support/hostile-bundles.js';
import { writeSshProfile } from '../support/ssh-profiles.js';
import { startSshd, type TestSshd } from '../support/sshd.js';

const host = tempDir('nsb-hostile-');
const env = { NANOSD_BENCH_STORE: join(host, 'store') };
const shape = ['--latent', '8', '--width', '0.125'];
const few = ['--iterations', '2', '--rounds', '1', '--warmup', '1'];
const profiles = join(host, 'profiles');

type TransportName = 'local' | 'adb' | 'ssh';
const transports: TransportName[] = ['local', 'adb', 'ssh'];

let part: ExportedPart;
let server: AdbServerHandle;
let phone: FakePhone;
let sshd: TestSshd;
let node: StandIn;

beforeAll(async () => {
  const exported = bench(['export', '--out', join(host, 'export'), ...shape, '--stages', 'conv_in'], env);
  const [r, adbServer, testSshd] = await Promise.all([exported, startAdbServer(), startSshd()]);
  server = adbServer;
  sshd = testSshd;
  expect(r.code, r.stderr).toBe(0);
  part = exportedPart(join(host, 'export'));
  phone = await withFakePhone(server);
  node = nodeStandIn(join(host, 'bin'));
}, 120_000);

afterAll(async () => {
  await phone?.close();
  await Promise.all([server?.stop(), sshd?.stop()]);
  rmSync(host, { recursive: true, force: true });
});

/** Where one case lives: the bundle on the host; the work folder, inside a folder of its own, on the device. */
interface Layout {
  transport: TransportName;
  profile: string;
  /** The case's host folder. */
  root: string;
  /** The manifest's folder, three levels below `root/src`. */
  bundle: string;
  /** The device-side folder around the work folder: `base/victim.txt` sits beside it. */
  base: string;
  work: string;
}

function layout(transport: TransportName, name: string): Layout {
  const root = join(host, `${transport}-${name}`);
  const bundle = join(root, 'src', 'x', 'y', 'bundle');
  const base = transport === 'adb' ? join(phone.sandbox, 'data', 'local', 'tmp', name) : join(root, 'dev');
  const work = join(base, 'work');
  mkdirSync(bundle, { recursive: true });
  mkdirSync(base, { recursive: true });
  const profile = `${transport}-${name}`;
  writeProfile(transport, profile, work);
  return { transport, profile, root, bundle, base, work };
}

function writeProfile(transport: TransportName, name: string, workDir: string): void {
  if (transport === 'ssh') {
    const runner = { name: 'ort-node', options: { node: node.path, ort: localOrtPath(), ep: 'cpu' } };
    writeSshProfile(profiles, name, sshd, { workDir, runner });
    return;
  }
  mkdirSync(profiles, { recursive: true });
  const adb = transport === 'adb';
  const profile = {
    name,
    transport: adb ? phone.transportSpec : { kind: 'local' },
    workDir,
    runner: { name: 'ort-node', options: adb ? { ort: localOrtPath(), ep: 'cpu' } : { ep: 'cpu' } },
    defaults: { latent: 8, width: 0.125, precision: 'fp32' },
  };
  writeFileSync(join(profiles, `${name}.json`), JSON.stringify(profile, null, 1));
}

/** What a run could touch outside the work folders: the case's host folder, the phone's folder around the work one. */
function outsideWork(l: Layout): string[] {
  const skip = [l.work, join(l.root, 'out')];
  const device = l.transport === 'adb' ? listTree(l.base, skip).map((e) => `device:${e}`) : [];
  return [...listTree(l.root, skip), ...device];
}

function blocks(l: Layout, manifest: string, out = 'lut.json'): Promise<CliResult> {
  const args = ['blocks', '--device', l.profile, '--profiles', profiles, '--models', manifest, '--stages', part.part];
  return bench([...args, ...shape, ...few, '--out', join(l.root, 'out', out)], env);
}

/** A victim beside the work folder and a secret beside the bundle. */
function sentinels(l: Layout): { victim: string; secret: string } {
  const victim = join(l.base, 'victim.txt');
  const secret = join(l.root, 'secret.txt');
  writeFileSync(victim, 'victim: must survive every hostile bundle\n');
  writeFileSync(secret, 'secret: must never reach a device\n');
  return { victim, secret };
}

/** What a hostile bundle must produce: a refusal naming `file` and `field`, with these files unchanged. */
interface Refusal {
  manifest: string;
  file: string;
  field: string;
  /** Why the path was refused, as the message says it. */
  why: RegExp;
  /** Files outside the work folder that must keep their bytes. */
  guarded: string[];
  /** Host bytes that must not be copied into the work folder. */
  secret: Buffer;
}

/** A bundle whose graph's first initializer points at `location`; the refusal names the graph and that location. */
function externalDataRefusal(l: Layout, location: string, why: RegExp, guarded: string[], secret: Buffer): Refusal {
  copyBundle(part, l.bundle);
  const graph = join(l.bundle, 'model.onnx');
  const tensor = setExternalLocation(graph, location);
  const field = `external data location of initializer '${tensor}'`;
  return { manifest: writeManifest(l.bundle, part.part, 'model.onnx'), file: graph, field, why, guarded, secret };
}

function manifestRefusal(l: Layout, file: string, why: RegExp, guarded: string[], secret: Buffer): Refusal {
  const manifest = writeManifest(l.bundle, part.part, file);
  return { manifest, file: manifest, field: 'models[0].file', why, guarded, secret };
}

const refusals: Record<string, (l: Layout) => Refusal> = {
  'external-data-dotdot': (l) => {
    const { victim, secret } = sentinels(l);
    // From <work>/models/bundle the location reaches victim.txt beside the work folder; from the
    // bundle it reaches the attacker's own file, so the model passes the "file exists" check.
    writeFileSync(join(l.root, 'src', 'victim.txt'), readFileSync(secret));
    const why = /path '\.\.\/\.\.\/\.\.\/victim\.txt' resolves outside the model's folder/;
    return externalDataRefusal(l, '../../../victim.txt', why, [victim, secret], readFileSync(secret));
  },
  'external-data-absolute': (l) => {
    const { victim, secret } = sentinels(l);
    return externalDataRefusal(l, victim, /is absolute/, [victim, secret], readFileSync(victim));
  },
  'symlink-out-of-bundle': (l) => {
    const { victim, secret } = sentinels(l);
    // The weights file is a symbolic link to a host file outside the bundle, of the right size.
    const why = /leads through a symbolic link to/;
    const refusal = externalDataRefusal(l, part.weights, why, [victim, secret], Buffer.alloc(0));
    const weights = join(l.bundle, part.weights);
    const outside = join(l.root, 'outside.bin');
    writeFileSync(outside, Buffer.alloc(statSync(weights).size, 0x5a));
    unlinkSync(weights);
    symlinkSync(outside, weights);
    return { ...refusal, guarded: [...refusal.guarded, outside], secret: readFileSync(outside) };
  },
  'manifest-dotdot': (l) => {
    const { victim, secret } = sentinels(l);
    const up = '../'.repeat(l.bundle.split('/').length);
    const why = /resolves outside the manifest's folder/;
    return manifestRefusal(l, `${up}etc/passwd`, why, [victim, secret], readFileSync('/etc/passwd'));
  },
  'manifest-absolute': (l) => {
    const { victim, secret } = sentinels(l);
    return manifestRefusal(l, '/etc/passwd', /is absolute/, [victim, secret], readFileSync('/etc/passwd'));
  },
  'not-a-model': (l) => {
    const { victim, secret } = sentinels(l);
    writeFileSync(join(l.bundle, 'notes.txt'), readFileSync(secret));
    return manifestRefusal(l, 'notes.txt', /is not a model file/, [victim, secret], readFileSync(secret));
  },
};

describe.each(transports)('hostile bundles on %s', (transport) => {
  it.each(Object.keys(refusals))('%s: exit 4 naming file and field, nothing touched outside', async (name) => {
    const l = layout(transport, name);
    const refusal = refusals[name]!(l);
    const guarded = refusal.guarded.map((f) => readFileSync(f));
    const before = outsideWork(l);

    const r = await blocks(l, refusal.manifest);

    // Soft: a regression shows everything it broke (exit code, message, victim, files outside) at once.
    expect.soft(r.code, r.stdout + r.stderr).toBe(4);
    const line = r.stderr.split('\n')[0]!;
    expect.soft(line).toContain(`${refusal.file}: ${refusal.field}: `);
    expect.soft(line).toMatch(refusal.why);
    refusal.guarded.forEach((f, i) => expect.soft(readFileSync(f).equals(guarded[i]!), `${f} changed`).toBe(true));
    const outside = created(before, outsideWork(l));
    expect.soft(outside).toEqual([]);
    expect.soft(copiesOf(l.work, refusal.secret)).toEqual([]);
    recordFault(`hostile-bundle:${name}:${transport}`, { filesOutside: outside.length });
  });
});

/** Runs `bench blocks` on a bundle; returns the run and the entries created outside the work folders meanwhile. */
async function measured(l: Layout, manifest: string, out: string): Promise<{ r: CliResult; outside: string[] }> {
  const before = outsideWork(l);
  const r = await blocks(l, manifest, out);
  return { r, outside: created(before, outsideWork(l)) };
}

describe.each(transports)('what a bundle may do, and what the device side guards, on %s', (transport) => {
  it('hard links: one in the bundle is read; one in the work folder is replaced, never written into', async () => {
    const l = layout(transport, 'hard-link');
    const { victim } = sentinels(l);
    // The user's original lives outside the bundle; the bundle's graph is a hard link to it.
    const original = join(l.root, 'originals', 'model.onnx');
    mkdirSync(join(l.root, 'originals'), { recursive: true });
    copyBundle(part, l.bundle);
    writeFileSync(original, readFileSync(join(l.bundle, 'model.onnx')));
    unlinkSync(join(l.bundle, 'model.onnx'));
    linkSync(original, join(l.bundle, 'model.onnx'));
    const manifest = writeManifest(l.bundle, part.part, 'model.onnx');
    // Where the graph will land, the work folder already holds a hard link to a file outside it.
    const pushed = join(l.work, 'models', 'bundle', 'model.onnx');
    mkdirSync(join(l.work, 'models', 'bundle'), { recursive: true });
    linkSync(victim, pushed);
    const kept = [original, victim].map((f) => ({ f, bytes: readFileSync(f), ino: statSync(f).ino }));

    const { r, outside } = await measured(l, manifest, 'lut.json');

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readLut(join(l.root, 'out', 'lut.json')).entries.map((e) => e.state)).toEqual(['ok']);
    for (const k of kept) {
      expect(readFileSync(k.f).equals(k.bytes), `${k.f} changed`).toBe(true);
      expect(statSync(k.f).ino).toBe(k.ino);
    }
    expect(readFileSync(pushed).equals(readFileSync(original))).toBe(true);
    expect(outside).toEqual([]);
    recordFault(`hostile-bundle:hard-link:${transport}`, { filesOutside: outside.length });
  });

  it('a symbolic link in the work folder that leads out: the push is refused before anything is written', async () => {
    const l = layout(transport, 'work-symlink');
    copyBundle(part, l.bundle);
    const manifest = writeManifest(l.bundle, part.part, 'model.onnx');
    const elsewhere = join(l.base, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    mkdirSync(l.work, { recursive: true });
    symlinkSync(elsewhere, join(l.work, 'models'));

    const { r, outside } = await measured(l, manifest, 'lut.json');

    // The entry fails with the reason; every failure is the device's, so the run exits 6.
    expect.soft(r.code, r.stdout + r.stderr).toBe(6);
    const failed = r.stdout.split('\n').filter((line) => line.startsWith(`${l.profile}: FAILED`));
    expect.soft(failed).toHaveLength(1);
    expect.soft(failed[0]).toContain(`a folder on the way resolves to ${elsewhere}, outside the work folder ${l.work}`);
    const entry = readLut(join(l.root, 'out', 'lut.json')).entries[0]!;
    expect.soft(entry).toMatchObject({ state: 'failed', error: { code: 'NSB_DEVICE' } });
    expect.soft(listTree(elsewhere)).toEqual([]);
    expect.soft(outside).toEqual([]);
    recordFault(`hostile-bundle:work-symlink:${transport}`, { filesOutside: outside.length });
  });

  it('a push or pull handed a path outside the work folder is refused by the transport itself', async () => {
    const l = layout(transport, 'push-outside');
    const { victim, secret } = sentinels(l);
    const before = outsideWork(l);
    const transportFor = await connectDevice(loadProfile(l.profile, [profiles]));
    try {
      const climbing = join(l.work, 'models', '..', '..', 'victim.txt');
      await expect(transportFor.push(secret, climbing)).rejects.toThrow(DeviceError);
      await expect(transportFor.push(secret, climbing)).rejects.toThrow(`is not inside the work folder ${l.work}`);
      await expect(transportFor.pull(victim, join(l.root, 'pulled.txt'))).rejects.toThrow(`refusing to read ${victim}`);
    } finally {
      await transportFor.close();
    }
    expect(readFileSync(victim, 'utf8')).toBe('victim: must survive every hostile bundle\n');
    const outside = created(before, outsideWork(l));
    expect(outside).toEqual([]);
    recordFault(`hostile-path:push-outside:${transport}`, { filesOutside: outside.length });
  });
});
