// ssh2's published types (@types/ssh2) under the names this transport gives them. ssh2 is the
// library beneath node-ssh; node-ssh connects and opens SFTP, ssh2 itself serves what node-ssh has
// no call for: raw exec channels (exit signals, the long-lived command shells), SFTP renames and
// status codes, key parsing (auth.ts and files.ts import its functions).
export type { Client as Ssh2Client, ClientChannel as Ssh2Channel, SFTPWrapper as Ssh2Sftp } from 'ssh2';
