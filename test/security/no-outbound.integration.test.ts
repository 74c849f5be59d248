import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDirLayout, readRunningHostInfo } from '../../src/main/host/data-dir.js';
import { isProcessAlive } from '../../src/main/host/host-process.js';
import { temporaryDataDir, waitFor } from '../support/temporary-host.js';

/**
 * Nothing leaves the machine at start: the whole host (`spectra serve`, its
 * restate-server child included) runs under `strace -f`, and every connect or
 * send with an internet address must go to loopback. restate-server 1.7 asks
 * api.github.com for its latest release at every start; the host runs it with
 * a resolver and hosts file that point at 127.0.0.1, so the attempt (still
 * made, and checked for in its log) stays on loopback.
 */
const NODE = join(process.cwd(), 'node_modules', '.bin', 'node');

function straceUsable(): string | undefined {
  if (process.platform !== 'linux') return 'strace checks need Linux';
  try {
    execaSync('strace', ['-f', '-qq', '-e', 'trace=connect', 'true']);
    return undefined;
  } catch (error) {
    return `strace is missing or may not trace here (${(error as Error).message.split('\n')[0]})`;
  }
}

const skipReason = straceUsable();
if (skipReason) console.warn(`skipping the no-outbound test: ${skipReason}`);

const scratch = temporaryDataDir('spectra-outbound-');
afterAll(() => scratch.remove());

/** `AF_INET`/`AF_INET6` destinations in an strace log that are not loopback. */
function nonLoopbackDestinations(straceLog: string): string[] {
  const found: string[] = [];
  for (const line of straceLog.split('\n')) {
    for (const match of line.matchAll(/sin_addr=inet_addr\("([\d.]+)"\)/g)) {
      if (!match[1]!.startsWith('127.') && match[1] !== '0.0.0.0') found.push(line.trim());
    }
    for (const match of line.matchAll(/inet_pton\(AF_INET6, "([^"]+)"/g)) {
      const address = match[1]!;
      if (address !== '::1' && !address.startsWith('::ffff:127.') && address !== '::') {
        found.push(line.trim());
      }
    }
  }
  return found;
}

describe.skipIf(skipReason)('no outbound connection', () => {
  it('starts the host with every connect and DNS packet on loopback', async () => {
    const dataDir = join(scratch.dataDir, 'data');
    const traceFile = join(scratch.dataDir, 'strace.log');
    const serve = execa(
      'strace',
      [
        '-f',
        '-qq',
        '-e',
        'trace=connect,sendto,sendmsg,sendmmsg',
        '-o',
        traceFile,
        NODE,
        'bin/spectra.mjs',
        'serve',
        '--no-ui',
        '--data-dir',
        dataDir,
      ],
      { reject: false, stdin: 'ignore' },
    );
    let output = '';
    serve.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(
        'spectra serve under strace to start',
        () => {
          if (serve.exitCode !== null) throw new Error(`serve exited:\n${output}`);
          return output.includes('Press Ctrl-C to stop.');
        },
        90_000,
      );
      // The release check runs at start; wait until restate-server has made (and lost) it.
      const serverLog = dataDirLayout(dataDir).restateLogFile;
      await waitFor(
        'restate-server to attempt its release check',
        () => existsSync(serverLog) && readFileSync(serverLog, 'utf8').includes('octocrab'),
        20_000,
      );
    } finally {
      // Signals to strace would only detach it: stop the traced host itself.
      const hostPid = readRunningHostInfo(dataDir)?.pid;
      if (hostPid) process.kill(hostPid, 'SIGINT');
      const killTimer = setTimeout(() => {
        if (hostPid && isProcessAlive(hostPid)) process.kill(hostPid, 'SIGKILL');
        serve.kill('SIGKILL');
      }, 30_000);
      await serve;
      clearTimeout(killTimer);
    }
    const trace = readFileSync(traceFile, 'utf8');
    // The trace did see the traffic that exists: the server's own Unix sockets.
    expect(trace).toMatch(/AF_UNIX/);
    expect(nonLoopbackDestinations(trace)).toEqual([]);
  });
});
