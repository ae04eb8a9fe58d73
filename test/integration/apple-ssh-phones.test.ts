// `bench devices` for a phone behind a Mac, over a real sshd: the `xcrun` stand-in on the SSH host
// writes devicectl's real JSON documents (test/fixtures/outputs/devicectl/: the verbatim device list
// of an Apple Vision Pro and an iPhone 13 Pro, the verbatim `info apps` document), and the listing
// must give the user what a profile needs: identifier, name, model, OS, and whether the bench app
// with the profile's bundle id is installed.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xcrunStandIn } from '../support/apple-standins.js';
import { bench, tempDir } from '../support/cli.js';
import { pwnedFiles, writeSshProfile } from '../support/ssh-profiles.js';
import { startSshd, type TestSshd } from '../support/sshd.js';

// The two devices of test/fixtures/outputs/devicectl/list-devices-rock.json.
const IPHONE = '6DEA7AA0-E7CE-4C2F-8706-43464FA2910D';
const VISION_PRO = '3574FE69-1FBC-4320-9B68-6B21B329CF4E';
const BUNDLE = 'com.example.nsbench';

let sshd: TestSshd;
let dir: string;
let profiles: string;
let xcrun: ReturnType<typeof xcrunStandIn>;

beforeAll(async () => {
  sshd = await startSshd();
  dir = tempDir('nsb-apple-phones-');
  profiles = join(dir, 'profiles');
  xcrun = xcrunStandIn(join(dir, 'mac tools'));
  xcrun.installApp(IPHONE, { bundleIdentifier: BUNDLE, name: 'NSBench', version: '1.0', bundleVersion: '7' });
});

afterAll(async () => {
  await sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function phoneProfile(name: string, options: Record<string, unknown>): string {
  const workDir = join(dir, `work ${name}`);
  writeSshProfile(profiles, name, sshd, {
    workDir,
    runner: { name: 'devicectl-app', options: { udid: IPHONE, bundleId: BUNDLE, xcrun: xcrun.path, ...options } },
  });
  return workDir;
}

const devices = (name: string, json = false) =>
  bench(['devices', '--device', name, '--profiles', profiles, ...(json ? ['--json'] : [])]);
const calls = (verb: string, since: number) =>
  xcrun
    .calls()
    .slice(since)
    .filter((c) => c.slice(0, verb.split(' ').length).join(' ') === verb);

interface PhonesJson {
  bundleId: string;
  devices: { device: Record<string, string>; bench: unknown; inProfile: boolean }[];
}
const phonesOf = (stdout: string) =>
  (JSON.parse(stdout) as { profiles: { runner: { ready: boolean }; phones: PhonesJson }[] }).profiles[0]!;

describe('bench devices: the phones behind a Mac', () => {
  it('lists every device devicectl sees, and whether the bench app is on each iPhone', async () => {
    const work = phoneProfile('phone', {});
    const before = xcrun.calls().length;
    const r = await devices('phone', true);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { runner, phones } = phonesOf(r.stdout);
    expect(runner.ready).toBe(true);
    expect(phones.bundleId).toBe(BUNDLE);
    expect(phones.devices.map((p) => ({ ...p, device: undefined }))).toEqual([
      { device: undefined, inProfile: false, bench: { note: 'not an iPhone or iPad (xrOS)' } },
      {
        device: undefined,
        inProfile: true,
        bench: {
          installed: true,
          app: { bundleIdentifier: BUNDLE, name: 'NSBench', version: '1.0', bundleVersion: '7' },
        },
      },
    ]);
    expect(phones.devices[1]!.device).toMatchObject({
      identifier: IPHONE,
      udid: '00008110-00015D4E1439801E',
      name: 'my-iphone',
      model: 'iPhone14,2',
      marketingName: 'iPhone 13 Pro',
      platform: 'iOS',
      osVersion: '18.1.1',
      osBuild: '22B91',
      transport: 'wired',
      tunnelState: 'connected',
    });
    expect(phones.devices[0]!.device).toMatchObject({
      identifier: VISION_PRO,
      name: 'Apple Vision Pro',
      platform: 'xrOS',
      tunnelState: 'unavailable',
    });

    // devicectl was asked once for the list and once about the iPhone's apps, with the profile's bundle id.
    const json = (file: string) => join(work, 'devicectl', file);
    expect(calls('devicectl list devices', before)).toEqual([
      ['devicectl', 'list', 'devices', '--json-output', json('list-devices.json')],
    ]);
    expect(calls('devicectl device info apps', before)).toEqual([
      [
        'devicectl',
        'device',
        'info',
        'apps',
        '--device',
        IPHONE,
        '--bundle-id',
        BUNDLE,
        '--json-output',
        json('apps-1.json'),
      ],
    ]);

    const text = await devices('phone');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      '  phones     2 seen by the Mac (xcrun devicectl list devices); set runner.options.udid to an identifier\n',
    );
    expect(text.stdout).toContain(
      [
        '             my-iphone: iPhone 13 Pro (iPhone14,2), iOS 18.1.1 (22B91), wired, connected' +
          "   <- this profile's udid",
        `               identifier ${IPHONE}, udid 00008110-00015D4E1439801E`,
        `               ${BUNDLE}: installed (version 1.0, build 7)`,
      ].join('\n'),
    );
    expect(text.stdout).toContain(
      [
        '             Apple Vision Pro: Apple Vision Pro (RealityDevice14,1), xrOS 1.2 (21O589), tunnel unavailable',
        `               identifier ${VISION_PRO}, udid 00008112-000C18C00C41A01E`,
        `               ${BUNDLE}: not checked: not an iPhone or iPad (xrOS)`,
      ].join('\n'),
    );
  });

  it('a profile whose udid is still wrong: the runner is not ready, and the listing shows the right one', async () => {
    phoneProfile('unset', { udid: 'missing-device', bundleId: 'com.other.nsbench' });
    const r = await devices('unset');
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/runner {5}devicectl-app: NOT READY: /);
    expect(r.stdout).toContain(`               identifier ${IPHONE}, udid 00008110-00015D4E1439801E\n`);
    expect(r.stdout).toContain(
      '               com.other.nsbench: NOT INSTALLED (build and install it: docs/ios-bench-app.md)\n',
    );
    expect(r.stdout).not.toContain("this profile's udid");
  });

  it('a Mac without devicectl, and a Mac with no phone plugged in, say so', async () => {
    phoneProfile('no-xcode', { xcrun: join(dir, 'no such folder', 'xcrun') });
    const r = await devices('no-xcode');
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(
      /phones {5}cannot list the Mac's devices: runner devicectl-app: cannot run .*no such folder\/xcrun devicectl on /,
    );
    expect(r.stdout).toContain('install Xcode 15 or later on the Mac');

    phoneProfile('empty', {});
    xcrun.setMode('list-empty');
    try {
      const e = await devices('empty');
      expect(e.code).toBe(0);
      expect(e.stdout).toContain(
        "  phones     none: the Mac's devicectl sees no device (plug the phone in, unlock it, trust the Mac)\n",
      );
    } finally {
      xcrun.setMode('ok');
    }
  });

  it('passes a bundle id with quotes and $(...) intact, running nothing of it', async () => {
    const evil = `com.example.nsbench 'q' $(touch PWNED)`;
    phoneProfile('evil', { bundleId: evil });
    const before = xcrun.calls().length;
    const r = await devices('evil', true);
    expect(r.code).toBe(0);
    expect(calls('devicectl device info apps', before)[0]).toContain(evil);
    expect(phonesOf(r.stdout).phones.devices[1]!.bench).toEqual({ installed: false });
    expect(pwnedFiles(dir)).toEqual([]);
  });
});
