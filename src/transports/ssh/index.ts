// The ssh transport's public face: create one per device and keep it for the run.
export { createSshTransport, type RemotePlatform, type SshTransport } from './transport.js';
export type { ConnectionStats } from './connection.js';
export type { PushItem } from './files.js';
export { sshTarget, type SshTransportOptions, type SshTransportSpec } from './spec.js';
export { sha256Fingerprint, normalizeFingerprint } from './fingerprint.js';
