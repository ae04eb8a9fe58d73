// Reads a saved capture the way a user's file reaches a parser: text as UTF-8, and a file that starts
// with a UTF-16 byte-order mark as its raw bytes (the parsers decode those themselves).
import { readFileSync } from 'node:fs';

export function capture(folder: string, file: string): string | Uint8Array {
  const bytes = readFileSync(new URL(`../../fixtures/outputs/${folder}/${file}`, import.meta.url));
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return utf16 ? new Uint8Array(bytes) : bytes.toString('utf8');
}
