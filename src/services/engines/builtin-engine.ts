import { isIP, Socket } from 'node:net';
import type {
  EngineResult,
  HostSummary,
  Observation,
  PortState,
} from '../../shared/observation.js';
import {
  fallbackProbe,
  identifyService,
  immediateProbe,
  isReplyComplete,
  type ServiceIdentity,
} from './banner-identification.js';
import { createTokenBucket, UNLIMITED, type TokenBucket } from './rate-limiter.js';
import { errorCodeOf, RAW_TCP, startRawConnect, type TcpHandle } from './raw-tcp-connect.js';
import { abortReason, assertScanInput, wellKnownService, type ScanRequest } from './scan-engine.js';

export interface BuiltinScanOptions extends ScanRequest {
  /** Connections in flight at once. Each costs one file descriptor (two when the target is local). */
  concurrency?: number;
  /** New connections per second, across the whole scan (token bucket). Unlimited when absent. */
  ratePerSecond?: number;
  /** A connection not established by then counts as filtered. */
  connectTimeoutMs?: number;
  /** Read banners of open ports and identify their services. */
  grabBanners?: boolean;
  /** How long a silent service may stay silent before it gets a probe. */
  bannerWaitMs?: number;
  /** How long to wait for an answer to that probe. */
  probeReplyMs?: number;
  /**
   * Hard bound on one banner grab, from connect to verdict, whatever the peer
   * sends: a service dripping one byte at a time cannot keep a probe alive.
   */
  bannerDeadlineMs?: number;
  /** Probe through `net.Socket` only: the path taken where Node's bare TCP handle is unavailable. */
  socketsOnly?: boolean;
}

export const BUILTIN_DEFAULTS = {
  concurrency: 512,
  connectTimeoutMs: 1500,
  grabBanners: true,
  bannerWaitMs: 1000,
  probeReplyMs: 1500,
  bannerDeadlineMs: 4000,
} as const;

/** Once a reply has started, this much silence means the service has said all it will. */
const REPLY_SETTLE_MS = 150;
/** Bytes kept from a reply: enough for any banner and an HTTP head. */
const MAX_REPLY_BYTES = 8192;
/** Local resource errors: the probe is retried, since the target never saw it. */
const LOCAL_RESOURCE_ERRORS = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'EAGAIN']);
const MAX_LOCAL_RETRIES = 8;
const PROGRESS_INTERVAL_MS = 250;

function portStateOf(code: string | undefined): PortState {
  // A reset is an answer from the host, like a refusal; everything else is silence.
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' ? 'closed' : 'filtered';
}

/**
 * Reads what an open port says, probing it when it stays silent, then
 * resets the connection (as `nmap -sT` does) so no TIME_WAIT is left behind.
 */
function grabBanner(
  socket: Socket,
  port: number,
  options: { bannerWaitMs: number; probeReplyMs: number; bannerDeadlineMs: number },
  done: (identity: ServiceIdentity) => void,
): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let probed = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  // Every byte re-arms `timer` (the settle wait); this one is never re-armed.
  const deadline = setTimeout(() => finish(), options.bannerDeadlineMs);

  const reply = (): Buffer => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    clearTimeout(deadline);
    socket.removeListener('data', onData);
    socket.removeListener('end', finish);
    socket.removeListener('close', finish);
    if (!socket.destroyed) socket.resetAndDestroy();
    done(identifyService(reply(), port));
  };
  const probe = (bytes: Buffer): void => {
    probed = true;
    socket.write(bytes);
    timer = setTimeout(finish, options.probeReplyMs);
  };
  function onData(chunk: Buffer): void {
    if (received < MAX_REPLY_BYTES) {
      const kept = chunk.subarray(0, MAX_REPLY_BYTES - received);
      chunks.push(kept);
      received += kept.length;
    }
    clearTimeout(timer);
    if (received >= MAX_REPLY_BYTES || isReplyComplete(reply())) finish();
    else timer = setTimeout(finish, REPLY_SETTLE_MS);
  }

  socket.on('data', onData);
  socket.once('end', finish);
  socket.once('close', finish);
  const immediate = immediateProbe(port);
  if (immediate) {
    probe(immediate);
  } else {
    timer = setTimeout(() => {
      if (received === 0 && !probed) probe(fallbackProbe(port));
      else finish();
    }, options.bannerWaitMs);
  }
}

/** A listener that hands the emitting socket (its `this`) to `handler` along with `owner`. */
function bindToSocket<Owner, Argument>(
  owner: Owner,
  handler: (owner: Owner, socket: Socket, argument: Argument) => void,
): (this: Socket, argument: Argument) => void {
  return function (this: Socket, argument: Argument): void {
    handler(owner, this, argument);
  };
}

/**
 * TCP connect scan. Open ports come back as observations (with banner,
 * service, product and version when `grabBanners`), closed and filtered ports
 * only as per-host counts. Probes run host by host, port by port, on
 * `concurrency` workers that each own one connection at a time. The per-probe
 * path allocates only a bare TCP handle (raw-tcp-connect.ts; a `net.Socket`
 * only for open ports whose banner is read): handlers are bound once per
 * worker and connect timeouts come from one shared sweep instead of a timer
 * per socket.
 */
export function scanWithBuiltinEngine(options: BuiltinScanOptions): Promise<EngineResult> {
  const { hosts, ports, signal, onProgress, hostnames } = options;
  assertScanInput(hosts, ports);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? BUILTIN_DEFAULTS.concurrency));
  const connectTimeoutMs = options.connectTimeoutMs ?? BUILTIN_DEFAULTS.connectTimeoutMs;
  const grabBanners = options.grabBanners ?? BUILTIN_DEFAULTS.grabBanners;
  const bannerOptions = {
    bannerWaitMs: options.bannerWaitMs ?? BUILTIN_DEFAULTS.bannerWaitMs,
    probeReplyMs: options.probeReplyMs ?? BUILTIN_DEFAULTS.probeReplyMs,
    bannerDeadlineMs: options.bannerDeadlineMs ?? BUILTIN_DEFAULTS.bannerDeadlineMs,
  };
  const rawTcp = options.socketsOnly ? undefined : RAW_TCP;
  const bucket: TokenBucket =
    options.ratePerSecond === undefined
      ? UNLIMITED
      : createTokenBucket({ ratePerSecond: options.ratePerSecond });

  const startedAt = new Date().toISOString();
  const total = hosts.length * ports.length;
  const openCounts = new Uint32Array(hosts.length);
  const closedCounts = new Uint32Array(hosts.length);
  const filteredCounts = new Uint32Array(hosts.length);
  // Probes still to finish per host: a host is done when its count reaches 0 (per-host progress).
  const probesLeft = new Uint32Array(hosts.length).fill(ports.length);
  const found: Array<{ hostIndex: number; observation: Observation }> = [];

  return new Promise<EngineResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let nextProbe = 0;
    let completed = 0;
    let hostsDone = 0;
    let activeWorkers = 0;
    let stopped = false;
    let lastProgressAt = 0;
    const workers: ProbeWorker[] = [];

    const reportProgress = (force: boolean): void => {
      if (!onProgress) return;
      const now = performance.now();
      if (!force && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
      lastProgressAt = now;
      onProgress({ completed, total, open: found.length, hostsDone });
    };

    // One sweep times out every worker's pending connect; resolution is a quarter of the timeout.
    const sweep = setInterval(
      () => {
        const now = performance.now();
        for (const worker of workers) worker.expireConnect(now);
      },
      Math.max(10, Math.min(250, connectTimeoutMs / 4)),
    );

    const shutDown = (): void => {
      stopped = true;
      clearInterval(sweep);
      signal?.removeEventListener('abort', onAbort);
    };
    const stop = (error: unknown): void => {
      if (stopped) return;
      shutDown();
      for (const worker of workers) worker.release();
      reject(error);
    };
    const onAbort = (): void => stop(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });

    const finishScan = (): void => {
      shutDown();
      reportProgress(true);
      found.sort(
        (left, right) =>
          left.hostIndex - right.hostIndex || left.observation.port - right.observation.port,
      );
      const summaries: HostSummary[] = hosts.map((host, index) => {
        const hostname = hostnames?.get(host);
        return {
          host,
          ...(hostname !== undefined && { hostname }),
          reachable: openCounts[index]! + closedCounts[index]! > 0,
          open: openCounts[index]!,
          closed: closedCounts[index]!,
          filtered: filteredCounts[index]!,
        };
      });
      resolve({
        engine: 'builtin',
        observations: found.map((entry) => entry.observation),
        hosts: summaries,
        startedAt,
        finishedAt: new Date().toISOString(),
      });
    };

    const record = (
      hostIndex: number,
      port: number,
      state: PortState,
      identity?: ServiceIdentity,
    ): void => {
      completed += 1;
      if (state === 'closed') closedCounts[hostIndex]! += 1;
      else if (state === 'filtered') filteredCounts[hostIndex]! += 1;
      else {
        openCounts[hostIndex]! += 1;
        const host = hosts[hostIndex]!;
        const hostname = hostnames?.get(host);
        const service = identity?.service ?? wellKnownService(port);
        found.push({
          hostIndex,
          observation: {
            host,
            ...(hostname !== undefined && { hostname }),
            port,
            protocol: 'tcp',
            state: 'open',
            ...(service !== undefined && { service }),
            ...(identity?.product !== undefined && { product: identity.product }),
            ...(identity?.version !== undefined && { version: identity.version }),
            ...(identity?.cpe !== undefined && { cpe: identity.cpe }),
            ...(identity?.banner !== undefined && { banner: identity.banner }),
            engine: 'builtin',
            observedAt: new Date().toISOString(),
          },
        });
      }
      probesLeft[hostIndex]! -= 1;
      if (probesLeft[hostIndex] === 0) {
        hostsDone += 1;
        reportProgress(false);
      } else if ((completed & 63) === 0) reportProgress(false);
    };

    /** Hands the worker its next probe once the rate limit allows; the last idle worker ends the scan. */
    const assign = (worker: ProbeWorker): void => {
      if (stopped) return;
      if (nextProbe >= total) {
        activeWorkers -= 1;
        if (activeWorkers === 0) finishScan();
        return;
      }
      const wait = bucket.take();
      if (wait > 0) {
        setTimeout(assign, wait, worker);
        return;
      }
      const probeIndex = nextProbe;
      nextProbe += 1;
      const hostIndex = Math.floor(probeIndex / ports.length);
      worker.probe(hostIndex, hosts[hostIndex]!, ports[probeIndex - hostIndex * ports.length]!);
    };

    class ProbeWorker {
      private socket: Socket | undefined;
      /** The connect in progress on a bare TCP handle (raw-tcp-connect.ts), before any Socket exists. */
      private handle: TcpHandle | undefined;
      private hostIndex = 0;
      private host = '';
      private port = 0;
      private deadline = Number.POSITIVE_INFINITY;
      private retries = 0;
      // Once connected, the banner grabber owns the socket's failures: a reset then still means open.
      private connected = false;
      // `this` inside these is the emitting socket, which tells the current socket from an old one.
      private readonly onConnect = bindToSocket(this, (worker, socket) =>
        worker.handleConnect(socket),
      );
      private readonly onError = bindToSocket(
        this,
        (worker, socket, error: NodeJS.ErrnoException) => worker.handleError(socket, error),
      );
      private readonly onBanner = (identity: ServiceIdentity): void => {
        if (!stopped) this.settle('open', identity);
      };
      private readonly connectNow = (): void => this.connect();
      private readonly onHandleConnected = (status: number, handle: TcpHandle): void =>
        this.handleRawConnect(status, handle);

      handleConnect(socket: Socket): void {
        if (socket !== this.socket || stopped) return;
        this.connected = true;
        this.deadline = Number.POSITIVE_INFINITY;
        if (grabBanners) grabBanner(socket, this.port, bannerOptions, this.onBanner);
        else {
          socket.resetAndDestroy();
          this.settle('open');
        }
      }

      handleError(socket: Socket, error: NodeJS.ErrnoException): void {
        if (socket !== this.socket || stopped || this.connected) return;
        this.failConnect(error.code ?? '');
      }

      handleRawConnect(status: number, handle: TcpHandle): void {
        // A handle closed by the connect timeout or a stop completes with ECANCELED: not ours any more.
        if (handle !== this.handle || stopped) return;
        this.handle = undefined;
        if (status !== 0) {
          handle.close();
          this.failConnect(errorCodeOf(status));
          return;
        }
        this.connected = true;
        this.deadline = Number.POSITIVE_INFINITY;
        if (!grabBanners) {
          handle.reset();
          this.settle('open');
          return;
        }
        const socket = new Socket({
          handle,
          readable: true,
          writable: true,
        } as ConstructorParameters<typeof Socket>[0]);
        this.socket = socket;
        // Failures after connect belong to the banner grabber; this only keeps them from being unhandled.
        socket.on('error', this.onError);
        grabBanner(socket, this.port, bannerOptions, this.onBanner);
      }

      probe(hostIndex: number, host: string, port: number): void {
        this.hostIndex = hostIndex;
        this.host = host;
        this.port = port;
        this.retries = 0;
        this.connect();
      }

      expireConnect(now: number): void {
        if (this.connected || now < this.deadline) return;
        if (this.handle) {
          this.handle.close();
          this.handle = undefined;
          this.settle('filtered');
        } else if (this.socket) {
          this.socket.destroy();
          this.settle('filtered');
        }
      }

      release(): void {
        this.handle?.close();
        this.handle = undefined;
        this.socket?.destroy();
        this.socket = undefined;
      }

      private connect(): void {
        if (stopped) return;
        this.connected = false;
        this.deadline = performance.now() + connectTimeoutMs;
        if (rawTcp && isIP(this.host) !== 0) {
          const started = startRawConnect(rawTcp, this.host, this.port, this.onHandleConnected);
          if ('errorCode' in started) this.failConnect(started.errorCode);
          else this.handle = started.handle;
          return;
        }
        const socket = new Socket();
        this.socket = socket;
        socket.on('error', this.onError);
        socket.on('connect', this.onConnect);
        socket.connect(this.port, this.host);
      }

      private failConnect(code: string): void {
        if (LOCAL_RESOURCE_ERRORS.has(code)) {
          // The target never saw this attempt: try again later rather than misreport the port.
          this.socket = undefined;
          this.deadline = Number.POSITIVE_INFINITY;
          if (this.retries >= MAX_LOCAL_RETRIES) {
            stop(new Error(`cannot open more connections (${code}): lower the concurrency`));
            return;
          }
          this.retries += 1;
          setTimeout(this.connectNow, Math.min(1000, 10 * 2 ** this.retries));
          return;
        }
        this.settle(portStateOf(code));
      }

      private settle(state: PortState, identity?: ServiceIdentity): void {
        this.socket = undefined;
        this.handle = undefined;
        this.deadline = Number.POSITIVE_INFINITY;
        record(this.hostIndex, this.port, state, identity);
        assign(this);
      }
    }

    if (total === 0) {
      finishScan();
      return;
    }
    const workerCount = Math.min(concurrency, total);
    // Counted up front so an early worker finishing cannot end the scan before the others start.
    activeWorkers = workerCount;
    for (let index = 0; index < workerCount; index += 1) workers.push(new ProbeWorker());
    for (const worker of workers) assign(worker);
  });
}
