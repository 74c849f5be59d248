import type { Socket } from 'node:net';

/**
 * Protocol behaviours of the loopback lab's fake services. Each one speaks
 * just enough of the real protocol, with the real product's wording, that a
 * banner grabber and `nmap -sV` identify it as the product it imitates.
 */
export type LabProtocol = 'ssh' | 'http' | 'ftp' | 'smtp' | 'redis' | 'mysql';

export interface LabServiceBehaviour {
  protocol: LabProtocol;
  /**
   * SSH: identification line. FTP, SMTP: greeting line. HTTP: `Server:`
   * header value. Redis: `redis_version`. MySQL: server version string.
   */
  banner: string;
}

/** A lab connection is dropped after this long without traffic, so stuck clients cannot pile up. */
const IDLE_TIMEOUT_MS = 15_000;
/** A client sending more than this without completing a request is cut off. */
const MAX_PENDING_BYTES = 16 * 1024;

const HTTP_DATE = (): string => new Date().toUTCString();
const LAST_MODIFIED = 'Tue, 07 Sep 2021 10:12:03 GMT';

/** Reads CRLF- or LF-terminated lines, as line-based protocols' servers do. */
function onLines(socket: Socket, handle: (line: string) => void): void {
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    if (pending.length > MAX_PENDING_BYTES) {
      socket.destroy();
      return;
    }
    let newline = pending.indexOf('\n');
    while (newline >= 0 && !socket.destroyed) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      handle(line);
      newline = pending.indexOf('\n');
    }
  });
}

function serveSsh(socket: Socket, banner: string): void {
  socket.write(`${banner}\r\n`);
  // OpenSSH waits for the client's identification and rejects anything else.
  onLines(socket, (line) => {
    if (line.startsWith('SSH-')) return;
    socket.end('Invalid SSH identification string.\r\n');
  });
}

function httpBody(server: string, status: number): string {
  if (/^Microsoft-IIS/i.test(server)) {
    return status === 200
      ? '<html><head><title>Under Construction</title></head><body><h1>Under Construction</h1></body></html>'
      : `<html><head><title>${status}</title></head><body><h2>${status}</h2></body></html>`;
  }
  if (status === 200) {
    if (/^nginx/i.test(server)) {
      return '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n';
    }
    if (/^lighttpd/i.test(server)) {
      return '<html><head><title>lighttpd</title></head><body><h1>It works!</h1></body></html>\n';
    }
    return '<html><body><h1>It works!</h1></body></html>\n';
  }
  const reason = HTTP_REASONS[status] ?? 'Error';
  return `<html>\n<head><title>${status} ${reason}</title></head>\n<body>\n<center><h1>${status} ${reason}</h1></center>\n<hr><center>${server}</center>\n</body>\n</html>\n`;
}

const HTTP_REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
};

function serveHttp(socket: Socket, server: string): void {
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    const headerEnd = pending.search(/\r?\n\r?\n/);
    if (headerEnd < 0) {
      if (pending.length > MAX_PENDING_BYTES) socket.destroy();
      return;
    }
    socket.removeAllListeners('data');
    const request = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(
      pending.slice(0, headerEnd).split(/\r?\n/)[0]!,
    );
    const method = request?.[1];
    let status = 400;
    if (request) {
      if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') status = 405;
      else status = request[2] === '/' || request[2] === '/index.html' ? 200 : 404;
    }
    const body = method === 'HEAD' || method === 'OPTIONS' ? '' : httpBody(server, status);
    const length = method === 'HEAD' ? httpBody(server, status).length : body.length;
    const headers = [
      `HTTP/1.1 ${status} ${HTTP_REASONS[status]}`,
      `Date: ${HTTP_DATE()}`,
      `Server: ${server}`,
      ...(status === 200
        ? [`Last-Modified: ${LAST_MODIFIED}`, 'ETag: "2d-5cb6577f1bec0"', 'Accept-Ranges: bytes']
        : []),
      ...(method === 'OPTIONS' ? ['Allow: GET,HEAD,POST,OPTIONS'] : []),
      ...(/^Microsoft-IIS/i.test(server) ? ['X-Powered-By: ASP.NET'] : []),
      `Content-Length: ${length}`,
      'Connection: close',
      'Content-Type: text/html',
    ];
    socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1');
  });
}

function serveFtp(socket: Socket, greeting: string): void {
  socket.write(`${greeting}\r\n`);
  onLines(socket, (line) => {
    const command = line.split(' ', 1)[0]!.toUpperCase();
    switch (command) {
      case 'USER':
        socket.write('331 Please specify the password.\r\n');
        break;
      case 'PASS':
        socket.write('530 Login incorrect.\r\n');
        break;
      case 'SYST':
        socket.write('215 UNIX Type: L8\r\n');
        break;
      case 'FEAT':
        socket.write(
          '211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n',
        );
        break;
      case 'NOOP':
        socket.write('200 NOOP ok.\r\n');
        break;
      case 'HELP':
        socket.write(
          '214-The following commands are recognized.\r\n USER PASS QUIT SYST FEAT HELP NOOP\r\n214 Help OK.\r\n',
        );
        break;
      case 'QUIT':
        socket.end('221 Goodbye.\r\n');
        break;
      default:
        socket.write('530 Please login with USER and PASS.\r\n');
    }
  });
}

function serveSmtp(socket: Socket, greeting: string): void {
  const hostname = greeting.split(' ')[1] ?? 'localhost';
  socket.write(`${greeting}\r\n`);
  onLines(socket, (line) => {
    const [verb = '', ...rest] = line.split(' ');
    const argument = rest.join(' ').trim();
    switch (verb.toUpperCase()) {
      case 'EHLO':
        socket.write(
          argument
            ? `250-${hostname} Hello ${argument} [${socket.remoteAddress ?? '127.0.0.1'}]\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 HELP\r\n`
            : '501 Syntax: EHLO hostname\r\n',
        );
        break;
      case 'HELO':
        socket.write(argument ? `250 ${hostname}\r\n` : '501 Syntax: HELO hostname\r\n');
        break;
      case 'NOOP':
      case 'RSET':
        socket.write('250 2.0.0 Ok\r\n');
        break;
      case 'HELP':
        socket.write(
          '214 2.0.0 Commands supported: HELO EHLO MAIL RCPT DATA NOOP QUIT RSET HELP\r\n',
        );
        break;
      case 'MAIL':
      case 'RCPT':
      case 'DATA':
        socket.write('503 5.5.1 Error: send HELO/EHLO first\r\n');
        break;
      case 'QUIT':
        socket.end('221 2.0.0 Bye\r\n');
        break;
      default:
        socket.write('502 5.5.2 Error: command not recognized\r\n');
    }
  });
}

function redisInfo(version: string, section: string | undefined): string {
  const server = [
    '# Server',
    `redis_version:${version}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    'redis_build_id:66bd629f924ac924',
    'redis_mode:standalone',
    'os:Linux 5.4.0-26-generic x86_64',
    'arch_bits:64',
    'multiplexing_api:epoll',
    'atomicvar_api:atomic-builtin',
    'gcc_version:9.3.0',
    `process_id:${process.pid}`,
    'tcp_port:6379',
    `uptime_in_seconds:${Math.floor(process.uptime())}`,
    'executable:/usr/bin/redis-server',
    'config_file:/etc/redis/redis.conf',
  ];
  const rest = [
    '',
    '# Clients',
    'connected_clients:1',
    'blocked_clients:0',
    '',
    '# Memory',
    'used_memory:859192',
    'used_memory_human:839.05K',
  ];
  const lines = section && section.toLowerCase() === 'server' ? server : [...server, ...rest];
  return `${lines.join('\r\n')}\r\n`;
}

type RedisCommand = { args: string[]; rest: string } | { protocolError: string };

/** Splits RESP arrays (`*2\r\n$4\r\nINFO\r\n...`) and inline commands; undefined until a command is complete. */
function takeRedisCommand(pending: string): RedisCommand | undefined {
  if (!pending.startsWith('*')) {
    const newline = pending.indexOf('\n');
    if (newline < 0) return undefined;
    const line = pending.slice(0, newline).replace(/\r$/, '');
    return {
      args: line.split(' ').filter((part) => part.length > 0),
      rest: pending.slice(newline + 1),
    };
  }
  let offset = 0;
  const readLine = (): string | undefined => {
    const end = pending.indexOf('\r\n', offset);
    if (end < 0) return undefined;
    const line = pending.slice(offset, end);
    offset = end + 2;
    return line;
  };
  const countLine = readLine();
  if (countLine === undefined) return undefined;
  const count = Number(countLine.slice(1));
  if (!Number.isInteger(count) || count < 0 || count > 1024) {
    return { protocolError: 'invalid multibulk length' };
  }
  const args: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const header = readLine();
    if (header === undefined) return undefined;
    const length = Number(header.slice(1));
    if (!header.startsWith('$') || !Number.isInteger(length) || length < 0) {
      return { protocolError: `expected '$', got '${header.charAt(0)}'` };
    }
    if (pending.length < offset + length + 2) return undefined;
    args.push(pending.slice(offset, offset + length));
    offset += length + 2;
  }
  return { args, rest: pending.slice(offset) };
}

function serveRedis(socket: Socket, version: string): void {
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    if (pending.length > MAX_PENDING_BYTES) {
      socket.destroy();
      return;
    }
    for (
      let command = takeRedisCommand(pending);
      command && !socket.destroyed;
      command = takeRedisCommand(pending)
    ) {
      if ('protocolError' in command) {
        socket.end(`-ERR Protocol error: ${command.protocolError}\r\n`);
        return;
      }
      pending = command.rest;
      const [name = '', ...args] = command.args;
      switch (name.toLowerCase()) {
        case '':
          break;
        case 'ping':
          socket.write(
            args[0] === undefined ? '+PONG\r\n' : `$${args[0].length}\r\n${args[0]}\r\n`,
          );
          break;
        case 'info': {
          const info = redisInfo(version, args[0]);
          socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
          break;
        }
        case 'get':
          socket.write(
            args.length === 1 ? '$-1\r\n' : "-ERR wrong number of arguments for 'get' command\r\n",
          );
          break;
        case 'quit':
          socket.end('+OK\r\n');
          return;
        default: {
          const beginning = args.map((arg) => `\`${arg}\`, `).join('');
          socket.write(
            `-ERR unknown command \`${name}\`, with args beginning with: ${beginning}\r\n`,
          );
        }
      }
    }
  });
}

/** A protocol-10 greeting as MySQL 5.5 sends it: the client must answer before anything else happens. */
export function mysqlGreeting(version: string, threadId: number): Buffer {
  const salt = Buffer.from('L8b$2;qRz&Xe^|Q7)c<]w~', 'latin1');
  const payload = Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from(`${version}\0`, 'latin1'),
    Buffer.from([
      threadId & 0xff,
      (threadId >> 8) & 0xff,
      (threadId >> 16) & 0xff,
      (threadId >>> 24) & 0xff,
    ]),
    salt.subarray(0, 8),
    Buffer.from([0x00]),
    Buffer.from([0xff, 0xf7]), // capabilities, lower half
    Buffer.from([0x08]), // latin1_swedish_ci, 5.5's default
    Buffer.from([0x02, 0x00]), // SERVER_STATUS_AUTOCOMMIT
    Buffer.from([0x0f, 0x80]), // capabilities, upper half (PLUGIN_AUTH)
    Buffer.from([21]),
    Buffer.alloc(10),
    salt.subarray(8, 20),
    Buffer.from([0x00]),
    Buffer.from('mysql_native_password\0', 'latin1'),
  ]);
  const header = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, 0, 0]);
  return Buffer.concat([header, payload]);
}

function serveMysql(socket: Socket, version: string, threadId: number): void {
  socket.write(mysqlGreeting(version, threadId));
  socket.once('data', () => {
    const message = Buffer.from('#08S01Bad handshake', 'latin1');
    const payload = Buffer.concat([Buffer.from([0xff, 0x13, 0x04]), message]);
    socket.end(Buffer.concat([Buffer.from([payload.length, 0, 0, 0x02]), payload]));
  });
}

let mysqlThreadId = 36;

/** Runs one accepted connection of a lab service until either side closes it. */
export function serveConnection(socket: Socket, behaviour: LabServiceBehaviour): void {
  socket.setNoDelay(true);
  socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
  // Scanners reset connections on purpose; a reset is not a lab failure.
  socket.on('error', () => socket.destroy());
  switch (behaviour.protocol) {
    case 'ssh':
      return serveSsh(socket, behaviour.banner);
    case 'http':
      return serveHttp(socket, behaviour.banner);
    case 'ftp':
      return serveFtp(socket, behaviour.banner);
    case 'smtp':
      return serveSmtp(socket, behaviour.banner);
    case 'redis':
      return serveRedis(socket, behaviour.banner);
    case 'mysql':
      mysqlThreadId += 1;
      return serveMysql(socket, behaviour.banner, mysqlThreadId);
  }
}
