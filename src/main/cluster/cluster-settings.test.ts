import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { siteScannerName, SiteName } from '../../shared/site.js';
import {
  clusterSettingsFile,
  parseListenAddress,
  readClusterSettingsFile,
} from './cluster-settings.js';
import { renderLocalClusterNodeConfig, type LocalClusterNode } from './local-cluster-config.js';
import { LeadershipLogReader } from './local-cluster.js';
import { parseAllowNetworks } from './scanner-worker.js';
import { isAddressInScope } from '../../shared/scope.js';

const KEY = 'publickeyv1_EPwGbwaQDxjtba4xL7tngdza8M5EfzfYHvyUF59hpQNH';

describe('parseListenAddress', () => {
  it('splits ADDRESS:PORT and refuses anything else with the value named', () => {
    expect(parseListenAddress('127.0.0.1:9080')).toEqual({ host: '127.0.0.1', port: 9080 });
    expect(parseListenAddress('[::1]:9080')).toEqual({ host: '::1', port: 9080 });
    expect(parseListenAddress('worker.lab:9080')).toEqual({ host: 'worker.lab', port: 9080 });
    for (const bad of ['9080', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', ':9080', 'a b:1'])
      expect(() => parseListenAddress(bad)).toThrow(`"${bad}"`);
  });
});

describe('cluster.json in the data dir', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const write = (value: unknown) => {
    dataDir = mkdtempSync(join(tmpdir(), 'spectra-settings-'));
    writeFileSync(
      clusterSettingsFile(dataDir),
      typeof value === 'string' ? value : JSON.stringify(value),
    );
    return dataDir;
  };

  it('is optional, and read whole when valid', () => {
    expect(readClusterSettingsFile(tmpdir() + '/no-such-spectra-dir')).toBeUndefined();
    const settings = {
      clusterIngress: 'http://10.0.0.5:8080',
      clusterAdmin: 'http://10.0.0.5:9070',
      advertise: 'http://10.0.0.9:9080/',
      identityKeys: [KEY],
    };
    expect(readClusterSettingsFile(write(settings))).toEqual(settings);
  });

  it('names the file and the field that is wrong', () => {
    expect(() => readClusterSettingsFile(write('{'))).toThrow(/cluster\.json: not JSON/);
    expect(() =>
      readClusterSettingsFile(
        write({
          clusterIngress: 'ftp://x',
          clusterAdmin: 'http://a:9070',
          advertise: 'http://b:9080',
          identityKeys: [KEY],
        }),
      ),
    ).toThrow(/cluster\.json: clusterIngress: an http/);
    expect(() =>
      readClusterSettingsFile(
        write({
          clusterIngress: 'http://a:8080',
          clusterAdmin: 'http://a:9070',
          advertise: 'http://b:9080',
          identityKeys: ['secret'],
        }),
      ),
    ).toThrow(/identityKeys\.0: a Restate request-identity public key/);
  });
});

describe('sites', () => {
  it('route to a Scanner under the site’s own service name', () => {
    expect(siteScannerName(undefined)).toBe('Scanner');
    expect(siteScannerName('dmz-east')).toBe('Scanner_dmz_east');
    expect(SiteName.safeParse('dmz-east').success).toBe(true);
    for (const bad of ['DMZ', '-dmz', 'dmz_east', 'a'.repeat(33), 'dmz/../x'])
      expect(SiteName.safeParse(bad).success).toBe(false);
  });

  it('allow lists parse like scopes and name what is wrong', () => {
    const allowed = parseAllowNetworks('127.22.0.0/24, 10.1.0.0/16');
    expect(isAddressInScope('127.22.0.9', allowed)).toBe(true);
    expect(isAddressInScope('127.22.1.9', allowed)).toBe(false);
    expect(() => parseAllowNetworks('10.0.0.0/33')).toThrow(/allowed networks "10.0.0.0\/33"/);
  });
});

describe('local cluster', () => {
  const nodes: LocalClusterNode[] = [1, 2, 3].map((id) => ({
    id,
    address: `127.30.0.${id}`,
    fabricPort: 5000 + id,
    ingressPort: 8000 + id,
    adminPort: 9000 + id,
    baseDir: `/data/node-${id}`,
  }));

  it('configures every node with every role, replication 2 and only node 1 provisioning', () => {
    const configs = nodes.map((node) =>
      renderLocalClusterNodeConfig({
        clusterName: 'test',
        node,
        nodes,
        partitions: 24,
        requestIdentityPrivateKeyFile: '/data/key.pem',
      }),
    );
    expect(configs.map((config) => /auto-provision = (\w+)/.exec(config)![1])).toEqual([
      'true',
      'false',
      'false',
    ]);
    for (const [index, config] of configs.entries()) {
      expect(config).toContain(`force-node-id = ${index + 1}`);
      expect(config).toContain(`bind-ip = "127.30.0.${index + 1}"`);
      expect(config).toContain(
        `advertised-address = "http://127.30.0.${index + 1}:${5001 + index}/"`,
      );
      expect(config).toContain('default-replication = 2');
      expect(config).toContain('default-num-partitions = 24');
      expect(config).toContain(
        'addresses = ["http://127.30.0.1:5001", "http://127.30.0.2:5002", "http://127.30.0.3:5003"]',
      );
      expect(config).toContain('default-provider = "replicated"');
    }
  });

  it('reads partition leadership from the nodes’ JSON log, across chunk boundaries', () => {
    const led: number[] = [];
    const reader = new LeadershipLogReader((partition) => led.push(partition));
    const line = (partition: number, message = 'Processor became Leader of epoch e3') =>
      JSON.stringify({ level: 'INFO', fields: { message, partition_id: String(partition) } }) +
      '\n';
    const text =
      line(8) + line(20) + line(3, 'Processor became Follower') + 'not json became Leader\n';
    reader.push(text.slice(0, 30));
    reader.push(text.slice(30) + line(22).slice(0, 10));
    reader.push(line(22).slice(10));
    expect(led).toEqual([8, 20, 22]);
  });
});
