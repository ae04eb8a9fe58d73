// Runners whose tools are fed raw float tensors (qnn-net-run's and snpe-net-run's input files, the iOS
// app's `--nsbench-input`) cannot feed integer token ids: float bytes read as int64 are ids far out of
// any vocabulary, so the model would fail or time garbage. Such a model is refused before it is staged,
// naming the input; the ort-node runners feed integer ids.
import { ModelError } from '../errors.js';
import type { ModelFiles } from './types.js';

export function requireFloatInputs(runner: string, model: Pick<ModelFiles, 'label' | 'inputs'>): void {
  const integer = model.inputs.find((i) => i.integer !== undefined);
  if (!integer) return;
  throw new ModelError(
    `${model.label}: input '${integer.name}' is ${integer.integer}; the ${runner} runner feeds float inputs only`,
    { hint: "measure a model with integer inputs (a text encoder's token ids) with the ort-node runner" },
  );
}
