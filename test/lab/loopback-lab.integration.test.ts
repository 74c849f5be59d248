import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyService } from '../../src/services/engines/banner-identification.js';
import { generateLab, startLoopbackLab, STANDARD_LAB, type LoopbackLab } from './loopback-lab.js';

/** Opens a loopback connection, sends `request` (if any) and collects what arrives until `until` matches or the peer closes. */
function converse(
  host: string,
  port: number,
  request: string | undefined,
  until: (reply: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket: Socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete reply from ${host}:${port}, got ${JSON.stringify(reply)}`));
    }, 5000);
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    socket.on('connect', () => {
      if (request !== undefined) socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (until(reply)) done();
    });
    socket.on('end', done);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.on('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('standard loopback lab', () => {
  let lab: LoopbackLab;
  beforeAll(async () => {
    lab = await startLoopbackLab(STANDARD_LAB, { waitForAddressMs: 30_000 });
  });
  afterAll(async () => {
    await lab.close();
  });

  it('lists its hosts and services', () => {
    expect(lab.hosts).toHaveLength(11);
    expect(lab.services).toBe(STANDARD_LAB.services);
  });

  it('greets with each banner-first service’s banner, identifiable as the expected product', async () => {
    for (const service of lab.services.filter((entry) =>
      ['ssh', 'ftp', 'smtp', 'mysql'].includes(entry.protocol),
    )) {
      const reply = await converse(
        service.host,
        service.port,
        undefined,
        (text) => text.includes('\n') || text.length > 40,
      );
      const identity = identifyService(Buffer.from(reply, 'latin1'), service.port);
      expect({ ...identity, banner: undefined, cpe: undefined }).toEqual({
        ...service.expected,
        banner: undefined,
        cpe: undefined,
      });
      // Every product the built-in engine names carries its CPE (cpe:2.3:a:vendor:product:...).
      expect(identity?.cpe).toMatch(/^cpe:2\.3:a:[^:]+:[^:]+:/);
    }
  });

  it('answers HTTP GET and HEAD like a web server', async () => {
    const get = await converse('127.10.0.10', 80, 'GET / HTTP/1.0\r\n\r\n', () => false);
    expect(get).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(get).toContain('\r\nServer: Apache/2.4.49 (Unix)\r\n');
    expect(get).toMatch(/\r\n\r\n<html>/);
    const head = await converse(
      '127.10.0.16',
      80,
      'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n',
      () => false,
    );
    expect(head).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*Server: nginx\/1\.16\.1\r\n[\s\S]*\r\n\r\n$/,
    );
    const missing = await converse('127.10.0.17', 80, 'GET /nope HTTP/1.0\r\n\r\n', () => false);
    expect(missing).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    const garbage = await converse('127.10.0.18', 80, '\r\n\r\n', () => false);
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('answers SMTP EHLO and QUIT, and FTP USER and QUIT', async () => {
    const smtp = await converse('127.10.0.13', 25, 'EHLO scanner.test\r\nQUIT\r\n', (text) =>
      text.includes('221 '),
    );
    expect(smtp).toMatch(/250-mail\.lab\.test Hello scanner\.test/);
    expect(smtp).toMatch(/221 2\.0\.0 Bye\r\n$/);
    const ftp = await converse('127.10.0.11', 21, 'USER anonymous\r\nQUIT\r\n', (text) =>
      text.includes('221 '),
    );
    expect(ftp).toBe('220 (vsFTPd 2.3.4)\r\n331 Please specify the password.\r\n221 Goodbye.\r\n');
  });

  it('keeps Redis silent until asked, then answers PING and INFO in RESP and inline form', async () => {
    const ping = await converse('127.10.0.14', 6379, '*1\r\n$4\r\nPING\r\n', (text) =>
      text.endsWith('\r\n'),
    );
    expect(ping).toBe('+PONG\r\n');
    const info = await converse('127.10.0.14', 6379, 'INFO server\r\n', (text) =>
      /\r\n\r\n$/.test(text),
    );
    expect(info).toMatch(/^\$\d+\r\n# Server\r\nredis_version:5\.0\.7\r\n/);
    const [, length, body] = /^\$(\d+)\r\n([\s\S]*)\r\n$/.exec(info)!;
    expect(Buffer.byteLength(body!)).toBe(Number(length));
  });

  it('logs and counts every accepted connection; closed ports are refused by the kernel', async () => {
    lab.resetLog();
    expect(lab.connectionLog).toHaveLength(0);
    expect(await connectOutcome('127.10.0.19', 22)).toBe('open');
    expect(await connectOutcome('127.10.0.19', 22)).toBe('open');
    expect(await connectOutcome('127.10.0.10', 80)).toBe('open');
    expect(await connectOutcome('127.10.0.19', 23)).toBe('ECONNREFUSED');
    await expect.poll(() => lab.connectionLog.length).toBe(3);
    const counts = lab.connectionCounts();
    expect(counts.byService.get('127.10.0.19:22')).toBe(2);
    expect(counts.byService.get('127.10.0.10:80')).toBe(1);
    expect(counts.byHost.get('127.10.0.19')).toBe(2);
    expect(counts.byHost.has('127.10.0.11')).toBe(false);
    expect(lab.connectionLog[0]).toMatchObject({
      host: '127.10.0.19',
      port: 22,
      remoteAddress: '127.0.0.1',
    });
  });
});

describe('lab lifecycle', () => {
  it('refuses to start twice on the same addresses, and frees them on close', async () => {
    const definition = generateLab({ base: '127.21.0.0', hostCount: 2 });
    const first = await startLoopbackLab(definition);
    await expect(startLoopbackLab(definition)).rejects.toThrow(/in use/);
    await first.close();
    await first.close();
    expect(await connectOutcome('127.21.0.1', 22)).toBe('ECONNREFUSED');
    const second = await startLoopbackLab(definition);
    expect(await connectOutcome('127.21.0.1', 22)).toBe('open');
    await second.close();
  });

  it('starts and stops a 4,096-host lab in seconds', async () => {
    const started = performance.now();
    const lab = await startLoopbackLab(
      generateLab({ base: '127.22.0.0', hostCount: 4096, openPortsPerHost: 2 }),
    );
    const startSeconds = (performance.now() - started) / 1000;
    try {
      expect(lab.hosts).toHaveLength(4096);
      expect(await connectOutcome(lab.hosts[4095]!, 80)).toBe('open');
      expect(startSeconds).toBeLessThan(15);
    } finally {
      await lab.close();
    }
    expect(await connectOutcome(lab.hosts[4095]!, 80)).toBe('ECONNREFUSED');
  });
});
