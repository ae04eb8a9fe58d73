// A push writes only inside the device's work folder, whatever path it is handed: every transport
// checks the path as text (no `..` out of the folder), then on the device itself that no folder on the
// way is a symbolic link leading out (`pwd -P` of the deepest folder that exists, compared with the
// work folder's own real path) before it creates a folder or writes a byte. The file itself is never
// written through: adbd, the SFTP push (temporary name, then rename) and the local push (unlink, then
// link or copy) all replace the work folder's entry, so a link or a hard link there to a file elsewhere
// leaves that file as it was.
import { isInsideFolder } from '../data-path.js';
import { DeviceError } from '../errors.js';

/** Refuses a remote path outside the work folder `root` (text only; see the scripts for links). */
export function checkInsideWorkDir(device: string, root: string | undefined, path: string, what: string): void {
  if (root === undefined) return;
  if (!isInsideFolder(root, path)) {
    throw new DeviceError(device, `refusing to ${what} ${path}: it is not inside the work folder ${root}`);
  }
}

/** The refusal when a folder on the way to `path` is a link that leads out of the work folder. */
export function linkedOutError(device: string, root: string, path: string, real: string): DeviceError {
  const problem = `refusing to write ${path}: a folder on the way resolves to ${real}, outside the work folder ${root}`;
  return new DeviceError(device, problem, {
    hint: 'remove the symbolic link that leads out of the work folder (`bench devices --device <profile> --clean`)',
  });
}

/**
 * POSIX sh function `inside ROOT FOLDER`: creates ROOT, then succeeds when the deepest existing folder
 * of FOLDER resolves (links followed) inside ROOT's real path. Otherwise it prints that real path and
 * returns 1, or prints the error and returns 2 when ROOT cannot be created or a folder entered. Call
 * it before `mkdir -p FOLDER`.
 */
export const insideFunction = `inside() {
  if ! r=$(mkdir -p -- "$1" 2>&1 && cd -- "$1" 2>&1 && pwd -P); then printf '%s' "$r"; return 2; fi
  e=$2
  while [ ! -d "$e" ]; do e=$(dirname -- "$e"); done
  if ! p=$(cd -- "$e" 2>&1 && pwd -P); then printf '%s' "$p"; return 2; fi
  case "$p/" in "$r"/*) return 0 ;; esac
  printf '%s' "$p"
  return 1
}`;
