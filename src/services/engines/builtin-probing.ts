import { isIP, Socket } from 'node:net';
import type { Observation, PortState } from '../../shared/observation.js';
import {
  fallbackProbe,
  identifyService,
  immediateProbe,
  isReplyComplete,
  type ServiceIdentity,
} from './banner-identification.js';
import type { TokenBucket } from './rate-limiter.js';
import {
  createConnectRequest,
  errorCodeOf,
  RAW_TCP,
  startRawConnect,
  type ConnectRequest,
  type TcpHandle,
} from './raw-tcp-connect.js';
import { wellKnownService, type ScanProgress } from './scan-engine.js';

/**
 * The probing loop of the built-in engine, as one thread runs it. A scan runs
 * it on the calling thread and, when it spreads over the cores, on worker
 * threads too (builtin-probe-thread.ts): every thread takes the next probe
 * from one shared {@link ProbeTally}, so probes go out host by host, port by
 * port, whatever the number of threads.
 */

/** What every thread of one scan probes and how: plain data, cloned to worker threads. */
export interface ProbeSettings {
  hosts: readonly string[];
  ports: readonly number[];
  hostnames?: ReadonlyMap<string, string>;
  connectTimeoutMs: number;
  grabBanners: boolean;
  bannerWaitMs: number;
  probeReplyMs: number;
  bannerDeadlineMs: number;
  /** Probe through `net.Socket` only: the path taken where Node's bare TCP handle is unavailable. */
  socketsOnly: boolean;
}

/** An open port found by one thread; threads' findings are merged and sorted by host, then port. */
export interface FoundPort {
  hostIndex: number;
  observation: Observation;
}

/** Once a reply has started, this much silence means the service has said all it will. */
const REPLY_SETTLE_MS = 150;
/** Bytes kept from a reply: enough for any banner and an HTTP head. */
const MAX_REPLY_BYTES = 8192;
/** Local resource errors: the probe is retried, since the target never saw it. */
const LOCAL_RESOURCE_ERRORS = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'EAGAIN']);
const MAX_LOCAL_RETRIES = 8;
/** Counters are 32-bit: a larger scan is cut into batches upstream. */
export const MAX_PROBES_PER_SCAN = 2 ** 32 - 2 ** 20;

// Layout of the tally's header.
const NEXT_PROBE = 0;
const COMPLETED = 1;
const OPEN = 2;
const HOSTS_DONE = 3;
const HEADER_LENGTH = 4;

/**
 * The counters of one scan: which probe goes out next, and what the finished
 * ones found, in total and per host. Atomic operations on one buffer, shared
 * (a SharedArrayBuffer) when the scan runs on several threads. Reads for
 * progress are not one snapshot: `hostsDone` is read before `completed`, and
 * counted after it, so a report never has more hosts done than probes allow.
 */
export class ProbeTally {
  private readonly header: Uint32Array;
  private readonly probesLeft: Uint32Array;
  private readonly openCounts: Uint32Array;
  private readonly closedCounts: Uint32Array;
  private readonly filteredCounts: Uint32Array;

  constructor(
    readonly buffer: SharedArrayBuffer | ArrayBuffer,
    hostCount: number,
  ) {
    const words = Uint32Array.BYTES_PER_ELEMENT;
    this.header = new Uint32Array(buffer, 0, HEADER_LENGTH);
    const hostArray = (index: number) =>
      new Uint32Array(buffer, (HEADER_LENGTH + index * hostCount) * words, hostCount);
    this.probesLeft = hostArray(0);
    this.openCounts = hostArray(1);
    this.closedCounts = hostArray(2);
    this.filteredCounts = hostArray(3);
  }

  static create(hostCount: number, portCount: number, shared: boolean): ProbeTally {
    const bytes = (HEADER_LENGTH + 4 * hostCount) * Uint32Array.BYTES_PER_ELEMENT;
    const tally = new ProbeTally(
      shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes),
      hostCount,
    );
    tally.probesLeft.fill(portCount);
    return tally;
  }

  /** The index of the next probe to send (host-major); at or past the total when none is left. */
  claim(): number {
    return Atomics.add(this.header, NEXT_PROBE, 1);
  }

  /** Counts a finished probe; true when it was its host's last. */
  count(hostIndex: number, state: PortState): boolean {
    Atomics.add(this.header, COMPLETED, 1);
    if (state === 'closed') Atomics.add(this.closedCounts, hostIndex, 1);
    else if (state === 'filtered') Atomics.add(this.filteredCounts, hostIndex, 1);
    else {
      Atomics.add(this.openCounts, hostIndex, 1);
      Atomics.add(this.header, OPEN, 1);
    }
    if (Atomics.sub(this.probesLeft, hostIndex, 1) !== 1) return false;
    Atomics.add(this.header, HOSTS_DONE, 1);
    return true;
  }

  /** Ports of one host by state, once its probes have finished. */
  hostCounts(hostIndex: number): { open: number; closed: number; filtered: number } {
    return {
      open: Atomics.load(this.openCounts, hostIndex),
      closed: Atomics.load(this.closedCounts, hostIndex),
      filtered: Atomics.load(this.filteredCounts, hostIndex),
    };
  }

  progress(total: number): ScanProgress {
    const hostsDone = Atomics.load(this.header, HOSTS_DONE);
    const open = Atomics.load(this.header, OPEN);
    const completed = Atomics.load(this.header, COMPLETED);
    return { completed, total, open, hostsDone };
  }
}

export interface ProbeRunOptions {
  /** Connections this thread keeps in flight at once. */
  concurrency: number;
  bucket: TokenBucket;
  /** Called after each probe this thread finishes (progress, on the calling thread). */
  onCounted?: (hostFinished: boolean) => void;
}

export interface ProbeRun {
  /** This thread's open ports, once no probe is left to take and its own have finished. */
  finished: Promise<FoundPort[]>;
  /** Releases this thread's connections; `finished` then never settles. */
  stop(): void;
}

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
  settings: ProbeSettings,
  done: (identity: ServiceIdentity) => void,
): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let probed = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  // Every byte re-arms `timer` (the settle wait); this one is never re-armed.
  const deadline = setTimeout(() => finish(), settings.bannerDeadlineMs);

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
    timer = setTimeout(finish, settings.probeReplyMs);
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
    }, settings.bannerWaitMs);
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
 * Runs probes on `concurrency` slots that each own one connection at a time,
 * taking them from `tally` until none is left. Closed and filtered ports are
 * only counted (in `tally`); open ones also come back as observations (with
 * banner, service, product and version when `grabBanners`). The per-probe
 * path allocates only a bare TCP handle (raw-tcp-connect.ts; a `net.Socket`
 * only for open ports whose banner is read): handlers and connect requests
 * are made once per slot, and connect timeouts come from one shared sweep
 * instead of a timer per socket.
 */
export function runProbes(
  settings: ProbeSettings,
  tally: ProbeTally,
  options: ProbeRunOptions,
): ProbeRun {
  const { hosts, ports, hostnames, connectTimeoutMs, grabBanners } = settings;
  const { bucket, onCounted } = options;
  const total = hosts.length * ports.length;
  const rawTcp = settings.socketsOnly ? undefined : RAW_TCP;
  // Address family per host (4, 6, or 0 for a name), worked out once rather than per probe.
  const families = Uint8Array.from(hosts, (host) => isIP(host));
  const found: FoundPort[] = [];
  const slots: ProbeSlot[] = [];
  let activeSlots = 0;
  let stopped = false;
  let resolveRun!: (found: FoundPort[]) => void;
  let rejectRun!: (error: unknown) => void;
  const finished = new Promise<FoundPort[]>((resolve, reject) => {
    resolveRun = resolve;
    rejectRun = reject;
  });

  // One sweep times out every slot's pending connect; resolution is a quarter of the timeout.
  const sweep = setInterval(
    () => {
      const now = performance.now();
      for (const slot of slots) slot.expireConnect(now);
    },
    Math.max(10, Math.min(250, connectTimeoutMs / 4)),
  );

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(sweep);
    for (const slot of slots) slot.release();
  };
  const fail = (error: unknown): void => {
    if (stopped) return;
    stop();
    rejectRun(error);
  };

  const record = (
    hostIndex: number,
    port: number,
    state: PortState,
    identity?: ServiceIdentity,
  ): void => {
    if (state === 'open') {
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
    const hostFinished = tally.count(hostIndex, state);
    onCounted?.(hostFinished);
  };

  /** Sends a claimed probe once the rate limit allows. */
  const launch = (slot: ProbeSlot, probeIndex: number): void => {
    if (stopped) return;
    const wait = bucket.take();
    if (wait > 0) {
      setTimeout(launch, wait, slot, probeIndex);
      return;
    }
    const hostIndex = Math.floor(probeIndex / ports.length);
    slot.probe(hostIndex, ports[probeIndex - hostIndex * ports.length]!);
  };

  /** Hands the slot the next probe; the last slot to find none left ends the run. */
  const assign = (slot: ProbeSlot): void => {
    if (stopped) return;
    const probeIndex = tally.claim();
    if (probeIndex < total) {
      launch(slot, probeIndex);
      return;
    }
    activeSlots -= 1;
    if (activeSlots === 0) {
      stopped = true;
      clearInterval(sweep);
      resolveRun(found);
    }
  };

  class ProbeSlot {
    private socket: Socket | undefined;
    /** The connect in progress on a bare TCP handle (raw-tcp-connect.ts), before any Socket exists. */
    private handle: TcpHandle | undefined;
    /** Reused from one connect to the next; dropped when a connect is abandoned still pending. */
    private request: ConnectRequest | undefined;
    private hostIndex = 0;
    private port = 0;
    private deadline = Number.POSITIVE_INFINITY;
    private retries = 0;
    // Once connected, the banner grabber owns the socket's failures: a reset then still means open.
    private connected = false;
    // `this` inside these is the emitting socket, which tells the current socket from an old one.
    private readonly onConnect = bindToSocket(this, (slot, socket) => slot.handleConnect(socket));
    private readonly onError = bindToSocket(this, (slot, socket, error: NodeJS.ErrnoException) =>
      slot.handleError(socket, error),
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
      if (grabBanners) grabBanner(socket, this.port, settings, this.onBanner);
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
      grabBanner(socket, this.port, settings, this.onBanner);
    }

    probe(hostIndex: number, port: number): void {
      this.hostIndex = hostIndex;
      this.port = port;
      this.retries = 0;
      this.connect();
    }

    expireConnect(now: number): void {
      if (this.connected || now < this.deadline) return;
      if (this.handle) {
        this.handle.close();
        this.handle = undefined;
        // Its request completes later (ECANCELED): the next connect takes a fresh one.
        this.request = undefined;
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
      const family = families[this.hostIndex]!;
      if (rawTcp && family !== 0) {
        this.request ??= createConnectRequest(rawTcp, this.onHandleConnected);
        const started = startRawConnect(
          rawTcp,
          this.request,
          hosts[this.hostIndex]!,
          this.port,
          family,
        );
        if ('errorCode' in started) this.failConnect(started.errorCode);
        else this.handle = started.handle;
        return;
      }
      const socket = new Socket();
      this.socket = socket;
      socket.on('error', this.onError);
      socket.on('connect', this.onConnect);
      socket.connect(this.port, hosts[this.hostIndex]!);
    }

    private failConnect(code: string): void {
      if (LOCAL_RESOURCE_ERRORS.has(code)) {
        // The target never saw this attempt: try again later rather than misreport the port.
        this.socket = undefined;
        this.deadline = Number.POSITIVE_INFINITY;
        if (this.retries >= MAX_LOCAL_RETRIES) {
          fail(new Error(`cannot open more connections (${code}): lower the concurrency`));
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

  const slotCount = Math.max(1, Math.min(options.concurrency, total));
  // Counted up front so an early slot finishing cannot end the run before the others start.
  activeSlots = slotCount;
  for (let index = 0; index < slotCount; index += 1) slots.push(new ProbeSlot());
  for (const slot of slots) assign(slot);
  return { finished, stop };
}
