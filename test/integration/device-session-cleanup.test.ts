// What a device's measurement leaves behind is reported, never swallowed: every clean-up step runs
// even when one before it fails, a lock file that cannot be removed is said, and a run on the local
// device whose raw-output folder cannot be removed still writes its LUT, with the problem as a
// warning event and a line in its result. Real files, onnxruntime-node on the host CPU.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBlocks } from '../../src/app/blocks.js';
import { CleanUp } from '../../src/app/clean-up.js';
import type { ProgressEvent } from '../../src/app/events.js';
import { readLut } from '../../src/lut/io.js';
import { acquireOutputLock, lockPathFor } from '../../src/lut/output-lock.js';
import { tempDir } from '../support/cli.js';

describe('clean-up steps', () => {
  it('run last added first, all of them, each failure a line naming the step', async () => {
    const order: string[] = [];
    const cleanUp = new CleanUp();
    cleanUp.add('releasing the lock', () => {
      order.push('lock');
      return 'cannot remove the lock x.lock (EISDIR)';
    });
    cleanUp.add('closing the connection', async () => {
      order.push('close');
      throw new Error('socket hung up');
    });
    cleanUp.add('restoring the clocks', () => {
      order.push('clocks');
    });
    expect(await cleanUp.run()).toEqual([
      'closing the connection: socket hung up',
      'cannot remove the lock x.lock (EISDIR)',
    ]);
    expect(order).toEqual(['clocks', 'close', 'lock']);
    // Each step runs once: closing twice does nothing the second time.
    expect(await cleanUp.run()).toEqual([]);
    expect(order).toHaveLength(3);
  });
});

describe('releasing an output lock', () => {
  it('says when the lock file cannot be removed, once, and is quiet when it is gone already', () => {
    const dir = tempDir('nsb-lock-');
    const out = join(dir, 'a.lut.json');
    const lock = acquireOutputLock(out, { command: 'test' });
    // Something replaced the lock file by a folder: it can neither be read nor removed as a file.
    rmSync(lockPathFor(out));
    mkdirSync(lockPathFor(out));
    expect(lock.release()).toMatch(/^cannot remove the lock .*a\.lut\.json\.lock \(EISDIR\)$/);
    expect(lock.release()).toBeUndefined();
    const other = acquireOutputLock(join(dir, 'b.lut.json'), { command: 'test' });
    rmSync(lockPathFor(join(dir, 'b.lut.json')));
    expect(other.release()).toBeUndefined();
  });
});

describe('a device run whose clean-up fails', () => {
  it('writes its LUT, tells the problem as a warning and returns it with the result', async () => {
    const dir = tempDir('nsb-cleanup-');
    const lutFile = join(dir, 'local.lut.json');
    // `<lut>.raw` is removed after the run when empty; a file in its place cannot be.
    writeFileSync(`${lutFile}.raw`, 'not a folder\n');
    const events: ProgressEvent[] = [];
    const [result] = await runBlocks({
      devices: ['local'],
      latent: 8,
      width: 0.125,
      select: ['conv_in'],
      settings: { warmup: 1, minSamples: 3, maxSamples: 3, targetRme: 0, rounds: 1, maxRounds: 1 },
      out: lutFile,
      storeDir: join(dir, 'store'),
      onProgress: (e) => events.push(e),
    });
    const problem = `removing ${lutFile}.raw: ENOTDIR: not a directory, rmdir '${lutFile}.raw'`;
    expect(result!.cleanup).toEqual([problem]);
    expect(events.filter((e) => e.type === 'warning')).toEqual([
      { type: 'warning', device: 'local', text: `clean-up: ${problem}` },
    ]);
    const entries = readLut(lutFile).entries;
    expect(entries.map((e) => [e.key.stage, e.state, e.samples.length])).toEqual([['conv_in', 'ok', 3]]);
    // The rest of the clean-up ran after the failed step: the lock is gone.
    expect(existsSync(lockPathFor(lutFile))).toBe(false);
  }, 120_000);
});
