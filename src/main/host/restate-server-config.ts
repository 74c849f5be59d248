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
# Memory for a desktop, not a cluster node (measured 2026-12 on 1.7.12, idle
# 5 s after a small campaign; bench/run-benchmarks.ts prints the figures):
# RSS 160-161 MB with 128 MiB here, 147-149 MB with the settings below (and
# MALLOC_CONF, restate-server-command.ts), no change in campaign time. 105 MB
# of it is the binary's own code pages (clean file pages, shared by every
# process running the binary and evictable; \`restate-server --version\` alone
# maps 35 MB), which no setting changes; the rest is heap.
# rocksdb-total-memory-size is raised to at least 256 MiB by the server, whose
# memtable budgets (~108 MiB per store) come from it; the budgets set per store
# below are what bound the memtables, their arenas and bloom filters (idle:
# 13.7 -> 4.8 MB of memtables). Statistics and the Prometheus endpoint cost
# ~4 MB and nothing here reads them (operations metrics come from the admin
# API's SQL). The two stores a campaign writes most (the partition store and
# the local log) get 64 MiB each, the others 8 MiB or less: with 8 MiB they
# flushed several times per large campaign, and flushing and compacting
# (compressing SST files) was most of the server's CPU (perf: ZSTD and LZ4
# ~30%, on its flush and compaction threads). 4,096 x 100 nmap campaigns,
# fresh data dirs, A/B pairs: restate-server CPU 2.1-2.9 s vs 2.4-3.8 s per
# campaign; idle RSS after small and 256-host campaigns unchanged (144-179 MB
# either way), after four 4,096-host campaigns 422 vs 407 MB.
rocksdb-total-memory-size = "256 MiB"
disable-prometheus = true
log-format = "json"
log-filter = "warn,restate=info"
log-disable-ansi-codes = true
shutdown-timeout = "10s"
# Campaign reports and threat records live in virtual-object state, which never
# expires; these retentions only bound how long finished invocations stay
# known (idempotency keys, results). Their journals are not kept (the workflow
# keeps its own an hour, see service-defaults.ts): kept 30 days,
# every campaign left megabytes of them (probe results, stored batches, each
# report read), and restate-server's CPU per 4,096 x 100 campaign grew with
# each one on the same data dir (1.43 -> 2.13 s over eight; flat at 1.2-1.6 s
# without).
default-journal-retention = "0s"
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

[bifrost.local]
rocksdb-memory-budget = "64 MiB"
rocksdb-disable-statistics = true

[log-server]
rocksdb-memory-budget = "8 MiB"
rocksdb-disable-statistics = true

[metadata-server]
rocksdb-memory-budget = "2 MiB"
rocksdb-disable-statistics = true

[admin]
disable-web-ui = true

[admin.query-engine]
memory-size = "64 MiB"

[worker.storage]
rocksdb-memory-budget = "64 MiB"
rocksdb-disable-statistics = true

[worker.invoker]
request-identity-private-key-pem-file = ${quote(input.requestIdentityPrivateKeyFile)}
inactivity-timeout = "1m"
`;
}
