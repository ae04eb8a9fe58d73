// What every Android runner suite stands up before its tests and takes down after them: a temporary
// host folder, Debian's adb server and fake phones attached to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeAdbDeviceOptions } from '../fixtures/fake-adb-device/index.js';
import { startAdbServer, withFakePhone, type AdbServerHandle, type FakePhone } from './adb-server.js';

export interface PhoneRig {
  /** A temporary folder on the host for profiles, LUTs, stand-in SDKs and the store. */
  host: string;
  server: AdbServerHandle;
  /** One fake phone per options object given, in that order. */
  phones: FakePhone[];
  /** Closes the phones, stops the server and removes the host folder. */
  close(): Promise<void>;
}

/** The work folder the suites give a phone's profile: the usual place for a harness on Android. */
export function phoneWorkDir(phone: FakePhone): string {
  return join(phone.sandbox, 'data/local/tmp/nanosd-bench');
}

/** Starts the server and the phones (concurrently); what was started is taken down again if any of it fails. */
export async function startPhoneRig(prefix: string, ...phoneOptions: FakeAdbDeviceOptions[]): Promise<PhoneRig> {
  const host = mkdtempSync(join(tmpdir(), prefix));
  let server: AdbServerHandle | undefined;
  const phones: FakePhone[] = [];
  const close = async () => {
    await Promise.all(phones.map((p) => p.close()));
    await server?.stop();
    rmSync(host, { recursive: true, force: true });
  };
  try {
    server = await startAdbServer();
    const started = server;
    const settled = await Promise.allSettled(phoneOptions.map((o) => withFakePhone(started, o)));
    for (const s of settled) if (s.status === 'fulfilled') phones.push(s.value);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return { host, server, phones, close };
  } catch (e) {
    await close();
    throw e;
  }
}
