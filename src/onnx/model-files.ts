// What the model store hands on: a model as files on the host. Runners stage these files on a device;
// the type lives here, with the store and the manifests that make them.

/** One input of a model: its name and shape, and what to feed it when it does not take floats. */
export interface ModelInput {
  name: string;
  shape: number[];
  /** An integer input (a real text encoder's token ids); absent: floats of the model's precision. */
  integer?: 'int64' | 'int32';
  /** Token ids: fed CLIP's ids of the empty prompt (start token, then end tokens), not seeded values. */
  emptyPrompt?: boolean;
}

/** A model on the host: a folder and the files in it that belong to the model (graph + external data). */
export interface ModelFiles {
  /** Local folder holding the files. */
  root: string;
  /** The graph file, relative to root. */
  graph: string;
  /** Every file the model needs (graph first), relative to root, forward slashes. */
  files: string[];
  /** Content hash of the whole model. */
  sha256: string;
  /** Shapes of the inputs, for runners that must be told (ort-perf-test free dims, QNN converters). */
  inputs: ModelInput[];
  outputs: { name: string; shape: number[] }[];
  precision: 'fp32' | 'fp16';
  /** A short name for logs and remote file names. */
  label: string;
}
