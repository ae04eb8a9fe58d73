// `bench pipeline` on the local device through the real command: per-tile entries measured into the
// LUT with onnxruntime-node, a JPEG photo restored end to end, the prediction beside the measurement,
// a 4K prediction from the same LUT, and bad input (one line, a distinct exit code, nothing written).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { bench, repoRoot, tempDir } from '../support/cli.js';

const store = tempDir('nsb-store-');
const env = { NANOSD_BENCH_STORE: store };
// Small everything: the smallest U-Net at width 0.125, the smallest VAE, 32-pixel tiles (latent 4).
const small = [
  ...['--arch', '3.3.3.7.7.7', '--vae', 'w0.5-r1', '--tile', '32', '--overlap', '8', '--width', '0.125'],
  ...['--warmup', '1', '--iterations', '3', '--rounds', '1'],
];

/** An 80x56 JPEG photo (gradients), like a user's. */
function jpegPhoto(file: string): void {
  const width = 80;
  const height = 56;
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([(p % width) * 3, Math.floor(p / width) * 4, 128, 255], p * 4);
  writeFileSync(file, jpeg.encode({ width, height, data }, 90).data);
}

describe('bench pipeline on the local device', () => {
  const dir = tempDir();
  const lutFile = join(dir, 'local.lut.json');
  const picture = join(dir, 'restored.png');
  const photo = join(dir, 'photo.jpg');
  let first: Awaited<ReturnType<typeof bench>>;

  beforeAll(async () => {
    jpegPhoto(photo);
    const files = ['--lut', lutFile, '--out', picture];
    first = await bench(['pipeline', ...small, '--text-encoder', '--input', photo, ...files], env);
  }, 400_000);

  it('measures the per-tile entries into the LUT, with peak memory', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lut = readLut(lutFile);
    expect(lut.schemaVersion).toBe(2);
    expect(lut.entries.map((e) => e.id).sort()).toEqual([
      'candidate/E1=R-R,E2=R-R,E3=R-R,D3=R-R-R,D2=R-R-R,D1=R-R-R/l4/w0.125/fp32',
      'pipeline/text_encoder/sd15-text-encoder/l4/w0.125/fp32',
      'pipeline/tile/w0.5-r1/E1=R-R,E2=R-R,E3=R-R,D3=R-R-R,D2=R-R-R,D1=R-R-R/s1/l4/w0.125/fp32',
      'pipeline/vae_decoder/w0.5-r1/l4/w0.125/fp32',
      'pipeline/vae_encoder/w0.5-r1/l4/w0.125/fp32',
    ]);
    // Measured as the photo runner runs: idle intra-op threads sleep, and the table says so.
    expect(lut.protocol['identity']).toMatchObject({ threadSpinning: false });
    for (const e of lut.entries) {
      expect(e.state).toBe('ok');
      expect(e.samples).toHaveLength(3);
      expect(e.peakMemoryBytes).toBeGreaterThan(20 * 2 ** 20);
    }
  });

  it('restores the photo end to end and shows it beside the prediction', () => {
    const out = first.stdout;
    expect(out).toContain(`image      ${photo} (JPEG, 80x56): 3x2 = 6 tiles of 32 px (8 px overlap), latent 4`);
    expect(out).toMatch(/per tile +VAE encoder +[\d.]+ ms +pipeline\/vae_encoder\/w0\.5-r1/);
    expect(out).toMatch(/U-Net x 1 +[\d.]+ ms +candidate\/.* \(measured whole\)/);
    expect(out).toMatch(/per-tile graph measured whole [\d.]+ ms: measured\/predicted \d\.\d{3}/);
    expect(out).toMatch(
      new RegExp(
        String.raw`per image +6 tiles x per tile \+ [\d.]+ ms text encoder \(once\) \+ [\d.]+ ms blending` +
          String.raw` \+ [\d.]+ ms decoding and writing the picture`,
      ),
    );
    expect(out).toMatch(/predicted +[\d.]+ s +95% interval [\d.]+–[\d.]+ s/);
    expect(out).toMatch(/interval +includes the model error of 1 measured pipeline tile/);
    expect(out).toMatch(/measured +[\d.]+ s wall for the whole photo \(decode [\d.]+, text [\d.]+, encode [\d.]+, /);
    expect(out).toMatch(/denoise [\d.]+, decode-VAE [\d.]+, blend [\d.]+, write [\d.]+ s\)/);
    expect(out).toMatch(/peak memory [\d.]+ (MiB|GiB) \(RSS\)/);
    expect(out).toMatch(/ratio +measured\/predicted \d+\.\d{3} \((inside|outside) the interval\)/);
    expect(out).toContain('(noise: the generated weights are seeded, not trained)');
    const png = PNG.sync.read(readFileSync(picture));
    expect([png.width, png.height]).toEqual([80, 56]);
  });

  it('predicts a 4000x3000 photo from the same LUT without measuring; JSON carries the numbers', async () => {
    const args = ['--text-encoder', '--image', '4000x3000', '--lut', lutFile, '--predict-only', '--json'];
    const r = await bench(['pipeline', ...small, ...args], env);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    // 32-pixel tiles advancing by 24: ceil((4000 - 32) / 24) + 1 = 167 columns, 125 rows.
    expect(json.tiles).toMatchObject({ cols: 167, rows: 125, count: 167 * 125 });
    expect(json.measured).toBeNull();
    expect(json.notMeasured).toBe('--predict-only');
    const p = json.predicted;
    const outsideModels = p.blendMs + p.pictureMs;
    expect(p.pictureMs).toBeGreaterThan(0);
    expect(p.perImageSamplingOnly.median).toBeCloseTo(167 * 125 * p.perTile.median + p.text + outsideModels, 3);
    // The per-tile graph measured whole widens the interval toward its ratio (either side).
    const width = (i: [number, number]) => i[1] - i[0];
    expect(width(p.perImage.interval)).toBeGreaterThan(width(p.perImageSamplingOnly.interval));
    expect(p.modelError.n).toBe(1);
    expect(p.vaeShare).toBeGreaterThan(0);
  }, 180_000);

  it('names what a prediction lacks with the commands that measure it: exit 1, the LUT untouched', async () => {
    const before = readFileSync(lutFile, 'utf8');
    const args = ['--vae', 'w0.5', '--arch', '0.0.0.0.0.0', '--lut', lutFile, '--predict-only'];
    const r = await bench(['pipeline', ...small, ...args], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          '^bench: no pipeline prediction on local: ' +
            'missing pipeline/vae_encoder/w0\\.5/l4/w0\\.125/fp32 \\(missing\\), ' +
            'candidate/E1=R-A-R-A.* \\(missing\\), block entries at latent 4, width 0\\.125 \\(none\\), ' +
            'pipeline/vae_decoder/w0\\.5/l4/w0\\.125/fp32 \\(missing\\)$',
        ),
      ),
    ]);
    const choice = '--device local --arch 0.0.0.0.0.0';
    const tiles = '--vae w0.5 --tile 32 --overlap 8 --steps 1 --width 0.125';
    expect(r.stdout).toContain(`measure with: bench pipeline ${choice} ${tiles} --lut ${lutFile}`);
    expect(r.stdout).toContain(`measure with: bench candidates ${choice} --latent 4 --width 0.125 --out ${lutFile}`);
    expect(readFileSync(lutFile, 'utf8')).toBe(before);
  }, 180_000);

  it('a second run measures nothing the LUT already holds; --format jpeg writes a JPEG', async () => {
    const second = join(dir, 'second.jpg');
    const files = ['--lut', lutFile, '--out', second, '--format', 'jpeg'];
    const r = await bench(['pipeline', ...small, '--image', '56x40', ...files], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 entries to measure, 4 already in');
    expect(r.stdout).toContain(`picture    ${second} (noise`);
    const bytes = readFileSync(second);
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const restored = jpeg.decode(bytes);
    expect([restored.width, restored.height]).toEqual([56, 40]);
  }, 180_000);
});

describe('bench pipeline refuses bad input with one line and writes nothing', () => {
  const dir = tempDir();
  const lutFile = join(dir, 'x.lut.json');
  const cases: [string, string[], number, RegExp][] = [
    ['an image that is not one', ['--input', 'package.json'], 4, /package\.json: not a PNG or JPEG file/],
    ['an empty image size', ['--image', '0x3000'], 3, /image 0x3000: width and height must be at least 1 pixel/],
    ['an absurd image size', ['--image', '20000x10000'], 3, /200 megapixels, more than 100/],
    ['a tile not a multiple of 32', ['--tile', '100'], 3, /--tile 100: must be a positive multiple of 32/],
    ['an overlap as large as the tile', ['--tile', '64', '--overlap', '64'], 3, /--overlap 64: must be smaller than/],
    ['an unknown VAE variant', ['--vae', 'tiny'], 3, /unknown VAE variant 'tiny'.*known: teacher, r1, w0\.5, w0\.5-r1/],
    ['a LUT that is not there', ['--predict-only'], 4, /x\.lut\.json: no LUT to predict from for local at latent 8/],
    ['the old --picture flag', ['--picture', join(dir, 'p.png')], 3, /^bench: --picture: .* named with --out /],
  ];
  for (const [what, args, code, message] of cases) {
    it(`${what}: exit ${code}`, async () => {
      const r = await bench(['pipeline', '--lut', lutFile, '--out', join(dir, 'p.png'), ...args], env);
      expect(r.code).toBe(code);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(lutFile) || existsSync(join(dir, 'p.png')) || existsSync(`${lutFile}.raw`)).toBe(false);
    });
  }
});

describe('bench pipeline checks --out and --lut before any work', () => {
  const dir = tempDir();
  const cases: [string, string[], RegExp][] = [
    [
      'a picture name of no format it writes',
      ['--out', join(dir, 'p.gif')],
      /p\.gif: the restored picture is PNG; name it \.png$/,
    ],
    [
      'a picture name of another format',
      ['--out', join(dir, 'p.jpg')],
      /p\.jpg: the name says JPEG but --format is png$/,
    ],
    [
      'a JPEG named .png',
      ['--out', join(dir, 'p.png'), '--format', 'jpeg'],
      /p\.png: the name says PNG but --format is jpeg$/,
    ],
    ['an unknown picture format', ['--format', 'gif'], /^bench: --format gif: must be png or jpeg$/],
    ['a picture where no folder can be made', ['--out', '/proc/nsb/p.png'], /--out \/proc\/nsb\/p\.png: cannot create/],
    ['a picture named as an existing folder', ['--out', `${dir}/`], /is PNG; name it \.png$/],
    ['a LUT that is not a .json file', ['--lut', join(dir, 'tables')], /--lut .*tables: .*a name ending in \.json/],
    ['a LUT where no folder can be made', ['--lut', '/proc/nsb/x.lut.json'], /--lut \/proc\/nsb\/x\.lut\.json: cannot/],
    [
      'a picture folder that is a file (several devices)',
      ['--device', 'local,x', '--out', 'package.json'],
      /is a file/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: exit 3 at once, nothing written`, async () => {
      const started = Date.now();
      const r = await bench(['pipeline', ...args], env);
      expect(r.code).toBe(3);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(r.stdout).toBe('');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(readdirSync(dir)).toEqual([]);
    });
  }
});

describe('bench pipeline on two devices', () => {
  const dir = tempDir();
  const profiles = join(dir, 'profiles');
  const luts = join(dir, 'luts');
  const pictures = join(dir, 'pictures');

  it('one LUT and one picture per device in the folders --lut and --out name', async () => {
    mkdirSync(profiles);
    const local = JSON.parse(readFileSync(join(repoRoot, 'device-profiles', 'local.json'), 'utf8'));
    writeFileSync(join(profiles, 'local-b.json'), JSON.stringify({ ...local, name: 'local-b', $schema: undefined }));
    const args = ['--device', 'local,local-b', '--profiles', profiles, '--image', '56x40', '--lut', luts];
    const r = await bench(['pipeline', ...small, ...args, '--out', pictures], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const device of ['local', 'local-b']) {
      const lut = readLut(join(luts, `${device}-ort-node-l4-w0.125-fp32.lut.json`));
      expect(lut.entries).toHaveLength(4);
      const png = PNG.sync.read(readFileSync(join(pictures, `${device}-pipeline-56x40.png`)));
      expect([png.width, png.height]).toEqual([56, 40]);
    }
  }, 300_000);
});
