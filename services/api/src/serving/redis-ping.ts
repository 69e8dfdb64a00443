import net from 'node:net';
import tls from 'node:tls';

/** A RESP array of bulk strings, the wire form of a Redis command. */
const command = (args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** Whether the Redis at `url` answers PING (after AUTH when the URL has credentials) within the timeout. */
export function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 6379);
  const secure = target.protocol === 'rediss:';
  const password = decodeURIComponent(target.password);
  const user = decodeURIComponent(target.username);
  const auth = password ? command(user ? ['AUTH', user, password] : ['AUTH', password]) : '';
  return new Promise((resolve) => {
    const socket = secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    let received = '';
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => socket.write(auth + command(['PING'])));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.startsWith('-') || received.includes('\r\n-')) finish(false);
      else if (received.endsWith('+PONG\r\n')) finish(true);
    });
    socket.on('error', () => finish(false));
  });
}
