// Runners fed raw float tensors refuse a model with integer inputs before staging it, naming the input
// (float bytes read as token ids would be ids far out of any vocabulary).
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { requireFloatInputs } from '../../src/runners/float-inputs.js';

const floats = { label: 'pipeline/vae_encoder', inputs: [{ name: 'sample', shape: [1, 3, 64, 64] }] };
const ids = {
  label: 'pipeline/text_encoder',
  inputs: [{ name: 'input_ids', shape: [1, 77], integer: 'int64' as const, emptyPrompt: true }],
};

describe('float inputs only', () => {
  it('lets a model with float inputs through', () => {
    expect(() => requireFloatInputs('qnn-net-run', floats)).not.toThrow();
  });

  it('refuses integer token ids as a model error (exit 5) naming the model, the input and its type', () => {
    const refusal = (() => {
      try {
        requireFloatInputs('snpe-net-run', ids);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(ModelError);
    expect((refusal as ModelError).exitCode).toBe(5);
    expect((refusal as Error).message).toBe(
      "pipeline/text_encoder: input 'input_ids' is int64; the snpe-net-run runner feeds float inputs only",
    );
  });
});
