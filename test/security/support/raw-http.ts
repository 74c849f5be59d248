import net from 'node:net';

export interface RawAnswer {
  /** `HTTP/1.1 400 Bad Request`, or '' when the server closed without answering. */
  statusLine: string;
  status: number | undefined;
  body: string;
}

/**
 * Sends bytes exactly as given (no client normalises the path, the method or
 * the headers) to 127.0.0.1:port and reads the answer until the server closes
 * or `timeoutMs` passes. `chunks` with `chunkDelayMs` send a slow body.
 */
export function rawHttp(
  port: number,
  chunks: Array<string | Buffer>,
  options: { chunkDelayMs?: number; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const statusLine = text.split('\r\n')[0] ?? '';
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
      const headerEnd = text.indexOf('\r\n\r\n');
      const head = text.slice(0, headerEnd);
      const rawBody = headerEnd === -1 ? '' : text.slice(headerEnd + 4);
      resolve({
        statusLine,
        status: status ? Number(status) : undefined,
        body: /\r\ntransfer-encoding: chunked/i.test(head) ? dechunk(rawBody) : rawBody,
      });
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 5_000);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      // One answer is enough; keep-alive would otherwise hold the socket until the timeout.
      const text = Buffer.concat(received).toString('latin1');
      const headerEnd = text.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, headerEnd))?.[1];
      if (length !== undefined && text.length - headerEnd - 4 >= Number(length)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (settled || socket.destroyed) return;
        socket.write(chunk);
        if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
      }
    });
  });
}

function dechunk(body: string): string {
  let result = '';
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (lineEnd === -1 || !Number.isFinite(size) || size === 0) return result;
    result += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** `GET <path>` with the given Host and extra header lines. */
export function getRequest(path: string, host: string, headerLines: string[] = []): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    ...headerLines,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
}
