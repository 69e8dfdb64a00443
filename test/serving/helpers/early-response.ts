import net from 'node:net';

export interface EarlyResponse {
  status: number;
  headers: Record<string, string>;
  body: { error?: unknown; code?: unknown };
}

/**
 * One HTTP/1.1 request over a bare socket that sends at most `sendBytes` of the body (declared in full by
 * content-length) and then only listens, as curl does when a server answers before the upload ends.
 * Needed where the server refuses a body mid-stream and closes: superagent keeps writing, fails with
 * EPIPE and drops the answer that had already arrived.
 */
export function earlyResponse(
  url: string,
  request: { path: string; headers: Record<string, string>; body: Buffer; sendBytes?: number },
): Promise<EarlyResponse> {
  const { hostname, port } = new URL(url);
  const head =
    `POST ${request.path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n` +
    Object.entries({ ...request.headers, 'content-length': String(request.body.length) })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    const parse = (): EarlyResponse | undefined => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      const body = received.subarray(end + 4);
      if (body.length < Number(headers['content-length'] ?? Number.POSITIVE_INFINITY)) return undefined;
      return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body.toString('utf8')) };
    };
    const finish = (error?: Error) => {
      socket.destroy();
      const response = parse();
      if (response !== undefined) resolve(response);
      else reject(error ?? new Error(`connection closed after ${received.length} bytes of response`));
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (parse() !== undefined) finish();
    });
    socket.on('error', finish);
    socket.on('close', () => finish());
    socket.setTimeout(15_000, () => finish(new Error('no response in 15 s')));
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), request.body.subarray(0, request.sendBytes)]));
  });
}
