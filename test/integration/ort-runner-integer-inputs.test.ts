// The device runner (the bundle in dist/, with onnxruntime-node) on models with integer inputs: token
// ids declared `:empty-prompt` get CLIP's ids of the empty prompt, any other integer input seeded ids in
// [0, 1000), int64 or int32 as declared or as the model says. The models Gather rows of a table by
// the ids, so an id past the table's end makes onnxruntime name it, and floats would be refused.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { repoRoot, tempDir } from '../support/cli.js';
import { writeTokenModel, type TokenModelOptions } from '../support/token-model.js';

const runner = join(repoRoot, 'dist', 'device-runner', 'ort-runner.js');
const dir = tempDir('nsb-int-inputs-');

function run(model: string, inputs: string[]): { stdout: string; io?: { inputs: unknown[] } } {
  const argv = [runner, '--model', model, '--ort', localOrtPath(), '--no-profile'];
  argv.push(...['--warmup', '1', '--min-iterations', '2', '--max-iterations', '2']);
  argv.push(...inputs.flatMap((i) => ['--input', i]));
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8' });
  const io = /^NSB-RUNNER\/1 io (.*)$/m.exec(r.stdout)?.[1];
  return { stdout: r.stdout, ...(io ? { io: JSON.parse(io) as { inputs: unknown[] } } : {}) };
}

const model = (name: string, o: Partial<TokenModelOptions>) =>
  writeTokenModel(dir, name, {
    input: 'input_ids',
    output: 'hidden',
    ids: 'int64',
    length: 77,
    rows: 1000,
    width: 4,
    modulo: false,
    ...o,
  }).path;

describe('device runner: integer inputs', () => {
  it('feeds seeded int32 ids in [0, 1000) to an integer input the harness declares', () => {
    const r = run(model('int32', { ids: 'int32', input: 'ids', length: 16 }), ['ids:int32:1,16']);
    expect(r.stdout).toMatch(/^NSB-RUNNER\/1 done \{"n":2,/m);
    expect(r.io?.inputs).toEqual([{ name: 'ids', type: 'int32', shape: [1, 16] }]);
  });

  it('feeds seeded ids to an integer input it only learns of from the model', () => {
    const r = run(model('int64-undeclared', {}), []);
    expect(r.stdout).toMatch(/^NSB-RUNNER\/1 done \{"n":2,/m);
    expect(r.io?.inputs).toEqual([{ name: 'input_ids', type: 'int64', shape: [1, 77] }]);
  });

  it("feeds token ids the empty prompt's ids: the start token 49406 first", () => {
    const small = run(model('prompt-small', {}), ['input_ids:int64:1,77:empty-prompt']);
    expect(small.stdout).toMatch(/^NSB-RUNNER\/1 error \{"stage":"run","message":".*idx=49406/m);
    const vocabulary = run(model('prompt-vocab', { rows: 49408 }), ['input_ids:int64:1,77:empty-prompt']);
    expect(vocabulary.stdout).toMatch(/^NSB-RUNNER\/1 done \{"n":2,/m);
  });

  it('feeds floats to an input declared float32, as before (onnxruntime refuses them for int64 ids)', () => {
    // A float input declared as such is a float tensor: onnxruntime refuses it for an int64 model.
    const r = run(model('int64-as-float', {}), ['input_ids:float32:1,77']);
    expect(r.stdout).toMatch(/^NSB-RUNNER\/1 error \{"stage":"run","message":".*(type|tensor\(float\))/im);
  });
});
