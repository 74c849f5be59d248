import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import { integerOption, stringOption, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { untilStopSignal } from '../../main/cluster/stop-signal.js';

export const clusterCommand: Command = {
  name: 'cluster',
  usage: `spectra cluster local [--nodes 3] [--partitions 24] [--address-prefix 127.30.0] [--data-dir DIR]

Starts NODES restate-server processes forming one cluster (replicated metadata
and logs), node N on ADDRESS-PREFIX.N (loopback only), waits until every
partition has a leader, prints the ingress and admin addresses and the
request-identity public key to give workers and hosts, and runs until Ctrl-C
or SIGTERM. Data lives in DIR/cluster-local and is reopened by the next start.`,
  options: {
    nodes: { type: 'string' },
    partitions: { type: 'string' },
    'address-prefix': { type: 'string' },
  },
  positionals: ['local'],
  async run(parsed) {
    if (parsed.positionals[0] !== 'local') {
      throw new CliError('cluster: only `spectra cluster local` exists (see --help)', 2);
    }
    // Loaded with this command only: every other command starts without it.
    const { DEFAULT_CLUSTER_ADDRESS_PREFIX, DEFAULT_CLUSTER_PARTITIONS, startLocalCluster } =
      await import('../../main/cluster/local-cluster.js');
    const prefix = stringOption(parsed, 'address-prefix') ?? DEFAULT_CLUSTER_ADDRESS_PREFIX;
    if (!/^127\.\d{1,3}\.\d{1,3}$/.test(prefix) || prefix.split('.').some((part) => +part > 255)) {
      throw new CliError(
        `--address-prefix "${prefix}": expected three octets of a loopback address (127.30.0)`,
        2,
      );
    }
    const nodes = integerOption(parsed, 'nodes', { min: 1, max: 9 }) ?? 3;
    const partitions =
      integerOption(parsed, 'partitions', { min: 1, max: 256 }) ?? DEFAULT_CLUSTER_PARTITIONS;
    const dataDir = join(resolveDataDir(parsed), 'cluster-local');
    const startedAt = Date.now();
    const cluster = await startLocalCluster({
      dataDir,
      nodes,
      partitions,
      addressPrefix: prefix,
      onProgress: (line) => process.stdout.write(`  ${line}\n`),
    });
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    process.stdout.write(
      [
        `Cluster of ${nodes} nodes ready in ${seconds}s: ${partitions} partitions led (data in ${dataDir})`,
        ...cluster.nodes.map(
          (node) => `  node ${node.id}: ingress ${node.ingressUrl}  admin ${node.adminUrl}`,
        ),
        `  identity key: ${cluster.identityPublicKey}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    await untilStopSignal();
    process.stdout.write('Stopping…\n');
    await cluster.stop();
    process.stdout.write('Stopped.\n');
    return 0;
  },
};
