// The files `bench pipeline` reads and writes, checked before any work so a wrong name or a place that
// cannot be written fails in one line at once: `--out` is the restored picture (with one device a file
// named as --format says, with several a folder), `--lut` the table read and added to (a .json file
// with one device, a folder with several, as `bench blocks --out`).
import { checkPictureName } from '../../app/pipeline-e2e.js';
import { UsageError } from '../../errors.js';
import type { ImageFormat } from '../../pipeline/image-codec.js';
import { checkOutputFile, checkOutputFolder } from '../output-path.js';

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
  if (f.lut === undefined) return;
  if (!several && !f.lut.endsWith('.json')) {
    throw new UsageError(`--lut ${f.lut}: with one device --lut is the LUT file; give a name ending in .json`, {
      hint: 'a folder is for several devices (--device a,b)',
    });
  }
  if (f.predictOnly) return;
  if (several) checkOutputFolder(f.lut, '--lut');
  else checkOutputFile(f.lut, 'device.lut.json', '--lut');
}
