// An adb server, as a device farm would run one, that lists a phone under a serial of its choosing:
// a TCP proxy in front of the test's real adb server that renames one device. Requests
// (`host:transport:<serial>`, `host-serial:<serial>:...`) have the shown serial replaced by the real
// one; device lists (`host:devices`, `host:devices-l`, `host:track-devices`) have the real serial
// replaced by the shown one; everything after the first request (the device's own services: shell,
// sync) is passed through untouched. Every request as the client sent it is recorded.
//
// Why a proxy: Debian's adb server names a network phone by the `host:port` given to `adb connect`,
// and the host must resolve, so a serial with spaces, quotes or `$(...)` cannot come from `adb
// connect`; it can come from a USB descriptor or from a remote server, which is what this stands for.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface SerialProxy {
  /** `127.0.0.1:<port>`, as a profile's `transport.server`. */
  server: string;
  /** Every first request of a client connection, as received (before renaming). */
  requests: string[];
  close(): Promise<void>;
}

const LIST_REQUEST = /^host:(devices|devices-l|track-devices|track-devices-l)$/;

function frame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(body.length.toString(16).padStart(4, '0'), 'latin1'), body]);
}

/** Rewrites a device-list reply: `OKAY` then length-prefixed bodies (one, or a stream of them). */
function listRewriter(client: Socket, rename: (text: string) => string): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let status: string | undefined;
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    if (status === undefined) {
      if (pending.length < 4) return;
      status = pending.subarray(0, 4).toString('latin1');
      client.write(pending.subarray(0, 4));
      pending = pending.subarray(4);
    }
    if (status !== 'OKAY') {
      // FAIL and its message: nothing to rename.
      client.write(pending);
      pending = Buffer.alloc(0);
      return;
    }
    while (pending.length >= 4) {
      const length = Number.parseInt(pending.subarray(0, 4).toString('latin1'), 16);
      if (pending.length < 4 + length) return;
      client.write(frame(rename(pending.subarray(4, 4 + length).toString('utf8'))));
      pending = pending.subarray(4 + length);
    }
  };
}

function handle(
  client: Socket,
  upstreamPort: number,
  names: { real: string; shown: string },
  requests: string[],
): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    if (head.length < 4) return;
    const length = Number.parseInt(head.subarray(0, 4).toString('latin1'), 16);
    if (head.length < 4 + length) return;
    client.off('data', onData);
    client.pause();
    const request = head.subarray(4, 4 + length).toString('utf8');
    const rest = head.subarray(4 + length);
    requests.push(request);
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.once('connect', () => {
      upstream.write(frame(request.split(names.shown).join(names.real)));
      if (rest.length > 0) upstream.write(rest);
      if (LIST_REQUEST.test(request)) {
        upstream.on(
          'data',
          listRewriter(client, (text) => text.split(names.real).join(names.shown)),
        );
        upstream.on('end', () => client.end());
        client.on('end', () => upstream.end());
        client.resume();
      } else {
        upstream.pipe(client);
        client.pipe(upstream);
        client.resume();
      }
    });
  };
  client.on('data', onData);
  client.on('error', () => undefined);
}

/** Starts the proxy on a free port in front of the adb server on `upstreamPort`. */
export async function startSerialProxy(
  upstreamPort: number,
  names: { real: string; shown: string },
): Promise<SerialProxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    handle(socket, upstreamPort, names, requests);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('serial proxy: no TCP address');
  return {
    server: `127.0.0.1:${address.port}`,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
