// The files a model manifest names, for both kinds of manifest (`bench blocks --models`, `bench pipeline
// --models`): an entry lies inside the manifest's folder (symbolic links included) and is present, and a
// model's external data lies beside it. Everything else is refused before a byte is read or sent.
import { dirname } from 'node:path';
import { containedFile } from '../contained-file.js';
import { shown } from '../data-path.js';
import { InvalidFileError, ModelError } from '../errors.js';

/**
 * The absolute path of the file a manifest's `field` names. `refuse` says what is wrong with the name
 * (e.g. not a model format), or nothing; it is asked after the folder check, before the file is looked for.
 */
export function manifestEntryFile(
  manifest: string,
  field: string,
  name: string,
  refuse: (name: string) => string | undefined = () => undefined,
): string {
  const folder = dirname(manifest);
  const found = containedFile(folder, name, { file: manifest, field, folder: `the manifest's folder ${folder}` });
  const problem = refuse(name);
  if (problem !== undefined) throw new InvalidFileError(manifest, field, problem);
  if (found === undefined) throw new InvalidFileError(manifest, field, `${shown(name)} not found`);
  return found.path;
}

/** A model's external data files, relative to its folder: inside it (links included) and present. */
export function externalDataFiles(path: string, label: string, refs: { owner: string; location: string }[]): string[] {
  const root = dirname(path);
  const files = new Set<string>();
  for (const ref of refs) {
    const field = `external data location of ${shown(ref.owner)}`;
    const found = containedFile(root, ref.location, { file: path, field, folder: `the model's folder ${root}` });
    if (found === undefined) {
      throw new ModelError(`${path} (${label}): external data file '${ref.location}' not found beside the model`);
    }
    files.add(found.relative);
  }
  return [...files];
}
