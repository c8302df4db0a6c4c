/**
 * A raw HTTP/1.1 client for the server-limit tests and the reliability probes: it sends a request head, then body
 * chunks at a chosen pace, and reads what the server says until it closes the connection.
 */
import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent before it closed the connection. */
  response: string;
  /** Body bytes this client managed to send. */
  sent: number;
  /** Seconds from the connection's start to the server's close. */
  seconds: number;
  /** The response's status code, 0 when the server answered nothing. */
  status: number;
}

/** A POST request head for `path` on `port` with a JSON body of `length` bytes, with the bearer token when given. */
export function postHead(port: number, path: string, length: number, token: string | null): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n` +
    `${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`
  );
}

/**
 * Opens a connection to `port`, sends `head`, then `chunk` every `everyMs` (0: as fast as the socket takes them) up to
 * `maxBytes` body bytes, until the server closes the connection; resolves with what the server said.
 */
export function exchange(port: number, head: string, chunk: Buffer, everyMs: number, maxBytes = Number.POSITIVE_INFINITY): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const started = performance.now();
    let response = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const pump = () => {
      if (closed) return;
      while (sent < maxBytes) {
        sent += chunk.length;
        const more = socket.write(chunk);
        if (everyMs > 0) {
          timer = setTimeout(pump, everyMs);
          return;
        }
        if (!more) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('data', (data: Buffer) => {
      response += data.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
      resolve({ response, sent, seconds: (performance.now() - started) / 1000, status });
    });
    socket.write(head, pump);
  });
}
