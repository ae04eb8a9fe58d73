// `bench pipeline` with the ort-node runner on a host reached over a real sshd (this machine): the
// per-tile entries measured into the LUT and the photo restored end to end (as JPEG) on the SSH host, in a work
// folder whose name would run commands if anything pasted it into a shell line; a pipeline manifest's
// fixed prompt embedding is pushed there and read by the runner.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { nodeStandIn, type StandIn } from '../support/apple-standins.js';
import { bench, tempDir } from '../support/cli.js';
import { npyBytes } from '../support/npy.js';
import { buildPipelineModels, pipelineManifest, SMALL_PIPELINE } from '../support/pipeline-bundle.js';
import { pwnedFiles, writeSshProfile } from '../support/ssh-profiles.js';
import { startSshd, type TestSshd } from '../support/sshd.js';

const store = tempDir('nsb-store-');
const small = [
  ...['--arch', '3.3.3.7.7.7', '--vae', 'w0.5-r1', '--tile', '32', '--overlap', '8', '--image', '56x40'],
  ...['--width', '0.125', '--iterations', '3', '--rounds', '1', '--warmup', '1'],
];

let sshd: TestSshd;
let dir: string;
let node: StandIn;

beforeAll(async () => {
  sshd = await startSshd();
  dir = tempDir('nsb-ssh-pipeline-');
  node = nodeStandIn(join(dir, 'bin'));
});

afterAll(async () => {
  await sshd?.stop();
  for (const d of [dir, store]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('bench pipeline over SSH', () => {
  it('measures the per-tile entries and restores the photo on the SSH host', async () => {
    const work = join(dir, `work dir 'q' $(touch PWNED) \`touch PWNED2\``);
    const profiles = join(dir, 'profiles');
    const runner = { name: 'ort-node', options: { node: node.path, ort: localOrtPath(), ep: 'cpu' } };
    writeSshProfile(profiles, 'sshbox', sshd, { workDir: work, runner });
    const lut = join(dir, 'ssh.lut.json');
    // A JPEG, encoded on the host at the other end as an app would.
    const picture = join(dir, 'restored.jpg');
    const files = ['--lut', lut, '--out', picture, '--format', 'jpeg'];
    const args = ['pipeline', '--device', 'sshbox', '--profiles', profiles, ...small, ...files];
    const r = await bench(args, { NANOSD_BENCH_STORE: store });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const entries = readLut(lut).entries;
    expect(entries).toHaveLength(4);
    expect(entries.every((e) => e.state === 'ok' && (e.peakMemoryBytes ?? 0) > 0)).toBe(true);
    expect(r.stdout).toMatch(/measured +[\d.]+ s wall for the whole photo/);
    const restored = jpeg.decode(readFileSync(picture));
    expect([restored.width, restored.height]).toEqual([56, 40]);
    // The pipeline runner ran in the odd folder, and nothing in its name ran.
    expect(existsSync(join(work, 'pipeline-run', 'output.jpg'))).toBe(true);
    expect(pwnedFiles(dir)).toEqual([]);
  }, 300_000);
});

describe('bench pipeline --models over SSH', () => {
  it("pushes the manifest's prompt embedding to the SSH host and feeds it to the U-Net", async () => {
    const bundle = join(dir, 'bundle');
    mkdirSync(bundle);
    const arch = '3.3.3.7.7.6';
    const models = buildPipelineModels(bundle, arch);
    const embedding = npyBytes({ descr: '<f2', shape: [1, 77, 768], values: new Float32Array(77 * 768).fill(0.25) });
    writeFileSync(join(bundle, 'prompt.npy'), embedding);
    const manifest = join(bundle, 'pipeline.json');
    writeFileSync(manifest, JSON.stringify(pipelineManifest(bundle, models, arch, { promptEmbedding: 'prompt.npy' })));
    const work = join(dir, 'work-models');
    const profiles = join(dir, 'profiles-models');
    const runner = { name: 'ort-node', options: { node: node.path, ort: localOrtPath(), ep: 'cpu' } };
    writeSshProfile(profiles, 'sshbox', sshd, { workDir: work, runner });
    const files = ['--lut', join(dir, 'models.lut.json'), '--out', join(dir, 'models.png'), '--json'];
    const args = ['pipeline', '--device', 'sshbox', '--profiles', profiles, '--models', manifest];
    const r = await bench([...args, ...SMALL_PIPELINE, ...files], { NANOSD_BENCH_STORE: store });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.context).toMatchObject({ source: 'prompt-embedding', dtype: 'float16', shape: [1, 77, 768] });
    expect(json.measured.wallMs).toBeGreaterThan(0);
    // The runner at the other end read the copy the transport pushed, byte for byte.
    expect(readFileSync(join(work, 'pipeline-run', 'prompt-embedding.npy'))).toEqual(Buffer.from(embedding));
  }, 300_000);
});
