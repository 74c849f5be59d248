/**
 * restate-server configuration for one node of a loopback development
 * cluster: every node runs every role, metadata and logs are replicated on
 * two of three nodes, and each node listens on its own 127.x address so the
 * nodes can be told apart (and SIGKILLed one at a time) like real machines.
 */
export interface LocalClusterNode {
  /** 1-based; pinned with force-node-id so a restarted node rejoins as itself. */
  id: number;
  address: string;
  fabricPort: number;
  ingressPort: number;
  adminPort: number;
  baseDir: string;
}

export interface LocalClusterConfigInput {
  clusterName: string;
  node: LocalClusterNode;
  nodes: readonly LocalClusterNode[];
  partitions: number;
  requestIdentityPrivateKeyFile: string;
  /**
   * An s3:// URL (MinIO offline). Restate trims logs only once partitions are
   * snapshotted; restate-server 1.7.12 refuses file:// here, so a loopback
   * development cluster runs without one and its logs grow until it is wiped.
   */
  snapshotDestination?: string;
}

export function nodeFabricUrl(node: LocalClusterNode): string {
  return `http://${node.address}:${node.fabricPort}`;
}

export function renderLocalClusterNodeConfig(input: LocalClusterConfigInput): string {
  const { node } = input;
  const quote = (value: string) => JSON.stringify(value);
  const replication = Math.min(2, input.nodes.length);
  return `# Written by \`spectra cluster local\` at every start; edits here are overwritten.
roles = ["metadata-server", "admin", "worker", "log-server", "http-ingress"]
cluster-name = ${quote(input.clusterName)}
node-name = ${quote(`node-${node.id}`)}
force-node-id = ${node.id}
base-dir = ${quote(node.baseDir)}
bind-ip = ${quote(node.address)}
bind-port = ${node.fabricPort}
advertised-address = ${quote(nodeFabricUrl(node) + '/')}
# Only the first node provisions the cluster; the others join it.
auto-provision = ${node.id === 1}
default-num-partitions = ${input.partitions}
default-replication = ${replication}
disable-telemetry = true
rocksdb-total-memory-size = "256 MiB"
log-format = "json"
log-filter = "warn,restate=info"
log-disable-ansi-codes = true
shutdown-timeout = "10s"

[metadata-server]
type = "replicated"

[metadata-client]
type = "replicated"
addresses = [${input.nodes.map((other) => quote(nodeFabricUrl(other))).join(', ')}]

[bifrost]
default-provider = "replicated"

[admin]
bind-port = ${node.adminPort}
disable-web-ui = true

[admin.query-engine]
memory-size = "64 MiB"

[ingress]
bind-port = ${node.ingressPort}

[worker.invoker]
request-identity-private-key-pem-file = ${quote(input.requestIdentityPrivateKeyFile)}
${
  input.snapshotDestination
    ? `
[worker.snapshots]
destination = ${quote(input.snapshotDestination)}
snapshot-interval-num-records = 10000
`
    : ''
}`;
}
