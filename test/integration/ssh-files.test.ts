// push and pull over a real sshd: sha256 caching on the device, large files intact, odd file names,
// and clear errors for folders that cannot be written and for a full disk.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError, InterruptedError } from '../../src/errors.js';
import { createSshTransport, type SshTransport } from '../../src/transports/ssh/index.js';
import { canMountTmpfs, isRoot } from '../support/small-disk.js';
import { startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;
let transport: SshTransport;
let local: string;
let remote: string;

beforeAll(async () => {
  sshd = await startSshd();
  transport = await createSshTransport(sshd.transportSpec, { profile: 'files' });
  local = join(sshd.dir, 'host');
  remote = join(sshd.dir, 'device');
  mkdirSync(local);
  writeFileSync(join(local, 'm.onnx'), 'm');
});

afterAll(async () => {
  await transport?.close();
  await sshd?.stop();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function allNames(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

describe('ssh push and pull', () => {
  it('pushes into new folders, skips an identical file, pushes a changed one', async () => {
    const file = join(local, 'model.onnx');
    writeFileSync(file, 'version one');
    const target = join(remote, 'models', 'deep', 'model.onnx');
    const first = await transport.push(file, target);
    expect(first).toMatchObject({ skipped: false, bytes: 11 });
    expect(readFileSync(target, 'utf8')).toBe('version one');
    expect(await transport.push(file, target)).toMatchObject({ skipped: true, bytes: 11 });
    writeFileSync(file, 'version two!');
    expect(await transport.push(file, target)).toMatchObject({ skipped: false, bytes: 12 });
    expect(readFileSync(target, 'utf8')).toBe('version two!');
    // No temporary files are left behind.
    expect(readdirSync(join(remote, 'models', 'deep'))).toEqual(['model.onnx']);
  });

  it('keeps the permission bits, so pushed tools stay executable', async () => {
    const tool = join(local, 'tool.sh');
    writeFileSync(tool, '#!/bin/sh\necho tool ran\n');
    chmodSync(tool, 0o755);
    const target = join(remote, 'bin', 'tool.sh');
    await transport.push(tool, target);
    expect(statSync(target).mode & 0o777).toBe(0o755);
    expect((await transport.exec([target])).stdout).toBe('tool ran\n');
  });

  it('copies a 32 MiB file intact both ways', async () => {
    const data = randomBytes(32 << 20);
    const file = join(local, 'big.bin');
    writeFileSync(file, data);
    const target = join(remote, 'big.bin');
    expect((await transport.push(file, target)).skipped).toBe(false);
    expect(await transport.sha256Many([target, join(remote, 'absent.bin')])).toEqual([sha256(data), undefined]);
    const back = join(local, 'back', 'big.bin');
    await transport.pull(target, back);
    expect(sha256(readFileSync(back))).toBe(sha256(data));
    expect((await transport.push(file, target)).skipped).toBe(true);
  });

  it('checks a whole batch with one remote command', async () => {
    const items = Array.from({ length: 20 }, (_, i) => {
      const file = join(local, `part-${i}.bin`);
      writeFileSync(file, `part ${i}`);
      return { local: file, remote: join(remote, 'batch', `sub${i % 3}`, `part-${i}.bin`) };
    });
    const first = await transport.pushMany(items);
    expect(first.every((r) => !r.skipped)).toBe(true);
    const commands = transport.stats().commands;
    const second = await transport.pushMany(items);
    expect(second.every((r) => r.skipped)).toBe(true);
    expect(transport.stats().commands - commands).toBe(1);
  });

  it('passes names with spaces, quotes, ; $(...) and backticks intact and never runs them', async () => {
    const name = `a b;$(touch PWNED)'"x\`touch PWNED2\``;
    const file = join(local, name);
    writeFileSync(file, 'odd name');
    const folder = join(remote, `d ir;$(touch PWNED3)'`);
    const target = join(folder, name);
    await transport.push(file, target);
    expect(readFileSync(target, 'utf8')).toBe('odd name');
    expect((await transport.push(file, target)).skipped).toBe(true);
    expect((await transport.exec(['cat', name], { cwd: folder })).stdout).toBe('odd name');
    await transport.pull(target, join(local, 'pulled', name));
    expect(readFileSync(join(local, 'pulled', name), 'utf8')).toBe('odd name');
    const home = (await transport.exec(['sh', '-c', 'printf %s "$HOME"'])).stdout;
    // `touch PWNED...` would have made files named exactly PWNED, PWNED2 or PWNED3.
    const pwned = (names: string[]) => names.filter((n) => /^PWNED\d?$/.test(n.split('/').pop() ?? ''));
    expect(pwned(allNames(sshd.dir))).toEqual([]);
    expect(pwned(readdirSync(home))).toEqual([]);
    expect(pwned(readdirSync(process.cwd()))).toEqual([]);
  });

  it('a push with an aborted signal stops without copying', async () => {
    const controller = new AbortController();
    controller.abort();
    const target = join(remote, 'aborted', 'm.onnx');
    await expect(transport.push(join(local, 'm.onnx'), target, { signal: controller.signal })).rejects.toBeInstanceOf(
      InterruptedError,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('pulling a missing file is a DeviceError naming it', async () => {
    await expect(transport.pull(join(remote, 'nope.txt'), join(local, 'nope.txt'))).rejects.toThrow(
      /no such file on .*nope\.txt/,
    );
    expect(existsSync(join(local, 'nope.txt'))).toBe(false);
  });

  it('a work folder that cannot be created is a DeviceError naming the folder', async () => {
    // A path under a regular file cannot become a folder, even for root.
    const blocker = join(remote, 'blocker');
    mkdirSync(remote, { recursive: true });
    writeFileSync(blocker, 'a file, not a folder');
    const error = await transport.push(join(local, 'm.onnx'), join(blocker, 'work', 'm.onnx')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).message).toContain(`cannot create folder ${join(blocker, 'work')}`);
    expect((error as DeviceError).message).toMatch(/Not a directory/);
    expect((error as DeviceError).hint).toContain('workDir');
  });

  it.skipIf(isRoot)('a read-only work folder is a DeviceError naming the folder', async () => {
    const folder = join(remote, 'readonly');
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o555);
    try {
      await expect(transport.push(join(local, 'm.onnx'), join(folder, 'm.onnx'))).rejects.toThrow(
        `folder ${folder} on`,
      );
    } finally {
      chmodSync(folder, 0o755);
    }
  });

  // A 1 MiB tmpfs stands in for a full device disk; mounting needs root.
  const small = () => join(sshd.dir, 'small');
  const canMount = canMountTmpfs();

  it.skipIf(!canMount)('a read-only file system is a DeviceError naming the folder, even for root', async () => {
    const folder = join(sshd.dir, 'readonly-fs');
    mkdirSync(folder);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', folder]).status).toBe(0);
    try {
      const error = await transport.push(join(local, 'm.onnx'), join(folder, 'm.onnx')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceError);
      expect((error as DeviceError).message).toContain(`folder ${folder} on ${transport.id} is not writable`);
    } finally {
      spawnSync('umount', [folder]);
    }
  });

  it.skipIf(!canMount)('a full remote disk is a DeviceError saying so, with the folder', async () => {
    mkdirSync(small());
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small()]).status).toBe(0);
    try {
      const file = join(local, 'two-mib.bin');
      writeFileSync(file, randomBytes(2 << 20));
      const error = await transport.push(file, join(small(), 'models', 'two-mib.bin')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceError);
      expect((error as DeviceError).message).toMatch(
        new RegExp(
          `remote disk full: ${join(small(), 'models')} on .* has [0-9.]+ MiB free, two-mib\\.bin needs 2\\.0 MiB`,
        ),
      );
      // The partial copy was removed.
      expect(readdirSync(join(small(), 'models'))).toEqual([]);
    } finally {
      spawnSync('umount', [small()]);
    }
  });
});
