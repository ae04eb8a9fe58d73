// What the host hands the end-to-end pipeline runner on the device (src/device-runner/
// pipeline-runner.ts), as one JSON file: where everything is on the device, the graphs' tensor names,
// the tiling plan and the run settings. Paths are device paths.

export interface PipelineRunSpec {
  /** onnxruntime-node package folder on the device. */
  ort: string;
  /** A node_modules folder holding pngjs and jpeg-js (absent: Node's own resolution). */
  codecs?: string;
  ep: string;
  epOptions: Record<string, string | number | boolean>;
  /** Intra-op threads; 0 lets onnxruntime choose. */
  threads: number;
  precision: 'fp32' | 'fp16';
  seed: number;
  /**
   * The optimized-graph cache folder the block runner fills (CPU provider), so models already measured
   * load in about a second; absent: every session optimizes its graph itself.
   */
  optimizedCache?: string;
  /** Each model: its path, its content hash (the cache key) and its tensor names. */
  encoder: { path: string; id: string; input: string; output: string };
  unet: {
    path: string;
    id: string;
    latent: string;
    timestep: string;
    context: string;
    output: string;
    contextShape: number[];
  };
  decoder: { path: string; id: string; input: string; output: string };
  /**
   * The text encoder, run once per image on the empty prompt's token ids: integers when `ids` says so
   * (exported CLIP text encoders take int64), else floats of the run's precision.
   */
  text?: { path: string; id: string; input: string; output: string; ids?: 'int64' | 'int32' };
  /**
   * A fixed prompt embedding (a .npy file the pipeline's manifest gives, of the U-Net's context shape),
   * read once before the clock as an app loads it. Absent with no text encoder: a seeded stand-in.
   */
  promptEmbedding?: string;
  input: string;
  output: string;
  /** The restored picture's format (the host's --out name chose it). */
  outputFormat: 'png' | 'jpeg';
  /** The decoder's refusal threshold for huge JPEGs, megapixels. */
  maxMegapixels: number;
  /**
   * The sampler between U-Net evaluations, one entry per step (the same DDIM schedule the per-tile
   * graph holds): x_next = latentScale * x + noiseScale * eps.
   */
  schedule: { timestep: number; latentScale: number; noiseScale: number }[];
  plan: { width: number; height: number; tile: number; overlap: number; tiles: { x: number; y: number }[] };
}
