/**
 * The restate-server configuration for a desktop host. Defaults of the server
 * are tuned for a cluster node; on an analyst's laptop they would bind every
 * interface, phone home, take 2 GiB for RocksDB and forget workflow results
 * after a day, so every one of those is overridden here.
 */
export interface RestateServerConfigInput {
  baseDir: string;
  nodeName: string;
  requestIdentityPrivateKeyFile: string;
  partitions?: number;
  rocksdbMemory?: string;
}

export function renderRestateServerConfig(input: RestateServerConfigInput): string {
  const quote = (value: string) => JSON.stringify(value);
  return `# Written by Spectra-Red at every start; edits here are overwritten.
cluster-name = "spectra-red"
node-name = ${quote(input.nodeName)}
base-dir = ${quote(input.baseDir)}
# Ingress, admin and node-to-node listeners on Unix sockets only, in
# <base-dir>/<node-name>/ inside the owner-only data dir: no TCP port for a web
# page, another local user or the network to reach. bind-ip stays loopback in
# case a listener ever falls back to TCP.
listen-mode = "unix"
bind-ip = "127.0.0.1"
auto-provision = true
disable-telemetry = true
default-num-partitions = ${input.partitions ?? 2}
# Memory for a desktop, not a cluster node. Idle RSS is ~145 MB whatever these
# are (about 100 MB of it is the binary's own mapped pages); they bound how far
# it grows under load (20 concurrent campaigns took it to 542 MB with 256 MiB
# here and the default 250 MiB log record cache).
rocksdb-total-memory-size = ${quote(input.rocksdbMemory ?? '128 MiB')}
log-format = "json"
log-filter = "warn,restate=info"
log-disable-ansi-codes = true
shutdown-timeout = "10s"
# Campaign reports and threat records live in virtual-object state, which never
# expires; these retentions only bound how long finished invocations (and their
# journals and idempotency keys) stay inspectable.
default-journal-retention = "30d"
default-idempotency-retention = "30d"
default-workflow-completion-retention = "365d"

# After the services endpoint restarts, pending invocations must resume within
# seconds, not after the default one-minute backoff.
[default-retry-policy]
initial-interval = "100ms"
exponentiation-factor = 2.0
max-interval = "2s"
max-attempts = 200
on-max-attempts = "pause"

[bifrost]
record-cache-memory-size = "32 MiB"

[admin]
disable-web-ui = true

[admin.query-engine]
memory-size = "64 MiB"

[worker.invoker]
request-identity-private-key-pem-file = ${quote(input.requestIdentityPrivateKeyFile)}
inactivity-timeout = "1m"
`;
}
