import type { Transport } from '../types.js';

/** How errors name a device: the profile name when the transport knows it, else its id. */
export function deviceLabel(transport: Transport): string {
  const profile = (transport as { profile?: unknown }).profile;
  return typeof profile === 'string' && profile.length > 0 ? profile : transport.id;
}
