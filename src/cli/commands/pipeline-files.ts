// The files `bench pipeline` reads and writes, checked before any work so a wrong name or a place that
// cannot be written fails in one line at once: `--out` is the restored picture (with one device a file
// named as --format says, with several a folder), `--lut` the table read and added to (a .json file
// with one device, a folder with several, as `bench blocks --out`).
import { checkPictureName } from '../../app/pipeline-e2e.js';
import type { ImageFormat } from '../../pipeline/image-codec.js';
import { checkLutOutput, checkOutputFile, checkOutputFolder } from '../output-path.js';

export interface PipelineFiles {
  lut: string | undefined;
  out: string | undefined;
  format: ImageFormat;
  /** Devices named with --device (none: the default one). */
  devices: number;
  /** Only the LUT is read: it need not be writable. */
  predictOnly: boolean;
}

export function checkPipelineFiles(f: PipelineFiles): void {
  const several = f.devices > 1;
  if (f.out !== undefined) {
    if (several) checkOutputFolder(f.out);
    else {
      checkPictureName(f.out, f.format);
      checkOutputFile(f.out, 'restored.png');
    }
  }
  if (f.lut !== undefined) checkLutOutput(f.lut, f.devices, '--lut', !f.predictOnly);
}
