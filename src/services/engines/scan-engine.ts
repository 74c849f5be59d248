import { isIP } from 'node:net';
import type { EngineResult } from '../../shared/observation.js';

/** Progress in probes (one probe = one host x one port) and in hosts. */
export interface ScanProgress {
  completed: number;
  total: number;
  open: number;
  /** Hosts whose every probe has finished (what a per-host progress bar counts). */
  hostsDone: number;
}

/**
 * Input common to both engines. Targets arrive already validated and resolved
 * by the target-spec parser: IP literals and port numbers only.
 */
export interface ScanRequest {
  hosts: readonly string[];
  ports: readonly number[];
  /** Hostnames the analyst typed, by IP, copied onto observations and host summaries. */
  hostnames?: ReadonlyMap<string, string>;
  /** Aborting stops the scan: the engine releases its sockets or process and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called at most a few times per second (also as hosts finish, within that
   * limit), and once at the end. Must be cheap: it runs on the probing path.
   */
  onProgress?: (progress: ScanProgress) => void;
}

export type ScanEngine = (request: ScanRequest) => Promise<EngineResult>;

/**
 * Throws unless every host is an IP literal and every port an integer in
 * 1-65535. Engines call it even though input is validated upstream, so that a
 * hostname or a string like `--script=...` can never reach a socket or nmap.
 */
export function assertScanInput(hosts: readonly string[], ports: readonly number[]): void {
  for (const host of hosts) {
    if (typeof host !== 'string' || isIP(host) === 0) {
      throw new TypeError(`not an IP address literal: ${JSON.stringify(host)}`);
    }
  }
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new TypeError(`not a TCP port: ${JSON.stringify(port)}`);
    }
  }
}

/** Service names nmap's services table gives these ports, so both engines name unidentified ports alike. */
const WELL_KNOWN_SERVICES: Readonly<Record<number, string>> = {
  21: 'ftp',
  22: 'ssh',
  23: 'telnet',
  25: 'smtp',
  53: 'domain',
  80: 'http',
  110: 'pop3',
  111: 'rpcbind',
  135: 'msrpc',
  139: 'netbios-ssn',
  143: 'imap',
  443: 'https',
  445: 'microsoft-ds',
  465: 'smtps',
  587: 'submission',
  993: 'imaps',
  995: 'pop3s',
  1433: 'ms-sql-s',
  1521: 'oracle',
  2049: 'nfs',
  3306: 'mysql',
  3389: 'ms-wbt-server',
  5432: 'postgresql',
  5900: 'vnc',
  6379: 'redis',
  8000: 'http-alt',
  8080: 'http-proxy',
  8443: 'https-alt',
  9200: 'wap-wsp',
  11211: 'memcache',
  27017: 'mongod',
};

export function wellKnownService(port: number): string | undefined {
  return WELL_KNOWN_SERVICES[port];
}

/** The error an aborted scan rejects with: the signal's own reason when it has one. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The scan was aborted', 'AbortError');
}
