// Which U-Net candidate and VAE variant a pipeline run is for: the flags, else what a pipeline manifest
// says its models are, else the teachers. A flag that names other models than the manifest's is
// refused: the entries would be filed under one architecture and measure another.
import { formatCandidateIndices, parseCandidate, teacherCandidate, type Candidate } from '../catalog/candidates.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import { parseVaeVariant, type VaeVariant } from '../catalog/vae.js';
import { UsageError } from '../errors.js';
import type { PipelineManifest } from '../onnx/pipeline-manifest.js';

type Manifest = Pick<PipelineManifest, 'arch' | 'vae'> & { file: string };

function candidateOf(unet: ResolvedCatalog, code: string | undefined): Candidate {
  return !code || code === 'teacher' ? teacherCandidate(unet) : parseCandidate(unet, code);
}

export function pipelineChoice(
  flags: { arch?: string | undefined; vae?: string | undefined },
  manifest: Manifest | undefined,
  catalogs: { unet: ResolvedCatalog; vae: ResolvedCatalog },
): { candidate: Candidate; vae: VaeVariant } {
  const candidate = candidateOf(catalogs.unet, flags.arch ?? manifest?.arch);
  const vae = parseVaeVariant(catalogs.vae, flags.vae ?? manifest?.vae ?? 'teacher');
  if (!manifest) return { candidate, vae };
  const theirs = candidateOf(catalogs.unet, manifest.arch);
  if (flags.arch !== undefined && formatCandidateIndices(theirs) !== formatCandidateIndices(candidate)) {
    const said = manifest.arch ?? 'teacher';
    throw new UsageError(`--arch ${flags.arch}: the U-Net in ${manifest.file} is ${said} (its "arch")`, {
      hint: 'leave --arch out with --models, or correct the manifest',
    });
  }
  const their = parseVaeVariant(catalogs.vae, manifest.vae ?? 'teacher');
  if (flags.vae !== undefined && their.indices.join('.') !== vae.indices.join('.')) {
    throw new UsageError(`--vae ${flags.vae}: the VAE in ${manifest.file} is ${their.name} (its "vae")`, {
      hint: 'leave --vae out with --models, or correct the manifest',
    });
  }
  return { candidate, vae };
}
