import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { APP_VERSION, PROJECT_ROOT } from '../../cli/app-version.js';
import { serveCommand } from '../../cli/commands/serve-command.js';
import { workerCommand } from '../../cli/commands/worker-command.js';
import { resolveRestateServerBinary } from '../host/restate-server-binary.js';
import {
  CLUSTER_HOST_SETTINGS,
  DEFAULT_WORKER_PORT,
  OTHER_ENVIRONMENT,
  WORKER_SETTINGS,
} from './cluster-settings.js';

/**
 * deploy/ cannot run here (no container runtime), so every name in it is
 * checked against what the code and restate-server actually read: images,
 * ports, environment variables, CLI flags, paths the Dockerfile copies.
 */
const DEPLOY = join(PROJECT_ROOT, 'deploy');
const RESTATE_VERSION = (
  JSON.parse(
    readFileSync(
      join(PROJECT_ROOT, 'node_modules/@restatedev/restate-server/package.json'),
      'utf8',
    ),
  ) as { version: string }
).version;
const RESTATE_IMAGE = `docker.restate.dev/restatedev/restate:${RESTATE_VERSION}`;
const SPECTRA_ENVIRONMENT = new Set<string>([
  ...Object.values(WORKER_SETTINGS).map((setting) => setting.env),
  ...Object.values(CLUSTER_HOST_SETTINGS).map((setting) => setting.env),
  ...OTHER_ENVIRONMENT,
]);

type EnvironmentList = Array<{ name: string; value?: string }>;
interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
}
interface KubernetesObject {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Container {
  image: string;
  args?: string[];
  ports?: Array<{ containerPort: number }>;
  env?: EnvironmentList;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
}

// Compose resolves YAML merge keys (`<<: *restate-node`); so must the test.
const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const kubernetes = parseAllDocuments(
  readFileSync(join(DEPLOY, 'kubernetes/spectra-red.yaml'), 'utf8'),
).map((document) => document.toJS() as KubernetesObject);
const restateValues = parse(
  readFileSync(join(DEPLOY, 'kubernetes/restate-values.yaml'), 'utf8'),
) as { image: { repository: string; tag: string }; env: EnvironmentList; replicaCount: number };
const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');

/** `section.key` for every key restate-server's merged config has with `environment` applied. */
function restateConfigKeys(environment: Record<string, string>): Set<string> {
  const dump = execFileSync(resolveRestateServerBinary(), ['--dump-config'], {
    env: { PATH: process.env.PATH, ...environment },
    encoding: 'utf8',
  });
  const keys = new Set<string>();
  let section = '';
  for (const line of dump.split('\n')) {
    const header = /^\[([^\]]+)\]$/.exec(line.trim());
    if (header) section = header[1]!;
    const key = /^([a-z0-9-]+)\s*=/.exec(line);
    if (key) keys.add(section ? `${section}.${key[1]}` : key[1]!);
  }
  return keys;
}

/** RESTATE_WORKER__SNAPSHOTS__AWS_REGION -> worker.snapshots.aws-region */
function restateKeyOf(variable: string): string {
  return variable
    .slice('RESTATE_'.length)
    .split('__')
    .map((part) => part.toLowerCase().replaceAll('_', '-'))
    .join('.');
}

function expectRestateVariablesKnown(environment: Record<string, string>) {
  const restate = Object.fromEntries(
    Object.entries(environment).filter(([name]) => name.startsWith('RESTATE_')),
  );
  const known = restateConfigKeys(
    Object.fromEntries(
      Object.entries(restate).map(([name, value]) => [name, value.replace(/\$\{[^}]*\}/g, 'x')]),
    ),
  );
  for (const name of Object.keys(restate)) {
    expect(known, `${name} is not a restate-server ${RESTATE_VERSION} setting`).toContain(
      restateKeyOf(name),
    );
  }
}

function expectSpectraVariablesRead(names: string[]) {
  for (const name of names.filter((candidate) => candidate.startsWith('SPECTRA_'))) {
    expect(SPECTRA_ENVIRONMENT, `${name} is not read by the code`).toContain(name);
  }
}

const imageOfTarget = (target: string) => `spectra-red-${target}:${APP_VERSION}`;

describe('deploy/Dockerfile', () => {
  it('builds worker and host from Node 22 with nmap, as a non-root user, without Electron', () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?/gm)];
    for (const [, image] of bases.filter(([, image]) => image!.includes(':')))
      expect(image).toMatch(/^node:22-/);
    expect(bases.map((match) => match[2])).toEqual(
      expect.arrayContaining(['build', 'worker', 'host']),
    );
    expect(dockerfile).toMatch(/apt-get install[^\n]*\bnmap\b/);
    expect(dockerfile).toMatch(/^USER 10001$/m);
    expect(dockerfile).toContain('--omit=dev');
    expect(dockerfile).toContain('--ignore-scripts');
    expect(dockerfile).not.toMatch(/^RUN .*electron/im);
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${DEFAULT_WORKER_PORT}$`, 'm'));
  });

  it('copies only paths that exist and runs the file it bundles', () => {
    for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of sources!.split(' '))
        expect(existsSync(join(PROJECT_ROOT, source)), source).toBe(true);
    }
    const outfile = /--outfile=(\S+)/.exec(dockerfile)![1]!;
    expect(dockerfile).toContain(`["node", "/app/${outfile}"]`);
    expect(existsSync(join(PROJECT_ROOT, 'src/cli/main.ts'))).toBe(true);
    // The bundle finds package.json and resources/ two levels up, as app-version.ts does.
    expect(outfile.split('/')).toHaveLength(3);
    expect(dockerfile).toContain('COPY resources ./resources');
    expect(dockerfile).toContain('COPY package.json ./');
  });

  it('sets only environment variables the code reads', () => {
    const names = [...dockerfile.matchAll(/\b(SPECTRA_[A-Z_]+)=/g)].map((match) => match[1]!);
    expect(names.length).toBeGreaterThan(0);
    expectSpectraVariablesRead(names);
  });
});

describe('deploy/compose.yaml', () => {
  const services = compose.services;

  it('runs 3 restate nodes of the installed version, with MinIO snapshots', () => {
    const nodes = Object.entries(services).filter(([name]) => /^restate-\d$/.test(name));
    expect(nodes).toHaveLength(3);
    const provisioning = nodes.filter(
      ([, service]) => service.environment?.RESTATE_AUTO_PROVISION === 'true',
    );
    expect(provisioning).toHaveLength(1);
    for (const [name, service] of nodes) {
      expect(service.image).toBe(RESTATE_IMAGE);
      const environment = service.environment!;
      expect(environment.RESTATE_NODE_NAME).toBe(name);
      expect(environment.RESTATE_ADVERTISED_ADDRESS).toBe(`http://${name}:5122`);
      expect(JSON.parse(environment.RESTATE_METADATA_CLIENT__ADDRESSES!)).toEqual(
        nodes.map(([other]) => `http://${other}:5122`),
      );
      expect(environment.RESTATE_WORKER__SNAPSHOTS__AWS_ENDPOINT_URL).toBe('http://minio:9000');
      expectRestateVariablesKnown(environment);
      // No authentication on ingress/admin: published on the Docker host's loopback only.
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    expect(services.minio?.image).toMatch(/minio/);
  });

  it('puts the worker pool behind one address and the host in cluster mode', () => {
    const worker = services.worker!;
    const host = services.host!;
    expect(worker.image).toBe(imageOfTarget('worker'));
    expect(host.image).toBe(imageOfTarget('host'));
    for (const service of [worker, host]) {
      const environment = service.environment!;
      expectSpectraVariablesRead(Object.keys(environment));
      expect(environment.SPECTRA_IDENTITY_KEY).toBeDefined();
      expect(environment.SPECTRA_ADVERTISE).toMatch(new RegExp(`:${DEFAULT_WORKER_PORT}/$`));
    }
    expect(worker.environment!.SPECTRA_WORKER_LISTEN).toBe(`0.0.0.0:${DEFAULT_WORKER_PORT}`);
    expect(worker.environment!.SPECTRA_ALLOW_NETWORKS).toBeDefined();
    expect(worker.environment!.SPECTRA_ADVERTISE).toBe(`http://worker:${DEFAULT_WORKER_PORT}/`);
    expect(host.environment!.SPECTRA_CLUSTER_INGRESS).toMatch(/^http:\/\/restate-\d:8080$/);
    expect(host.environment!.SPECTRA_CLUSTER_ADMIN).toMatch(/^http:\/\/restate-\d:9070$/);
  });
});

describe('deploy/kubernetes', () => {
  it('uses the official chart with replicated values of the installed version', () => {
    expect(`${restateValues.image.repository}:${restateValues.image.tag}`).toBe(RESTATE_IMAGE);
    expect(restateValues.replicaCount).toBe(3);
    expectRestateVariablesKnown(
      Object.fromEntries(restateValues.env.map((entry) => [entry.name, entry.value ?? 'x'])),
    );
  });

  it('has a worker Deployment and Service on the port the worker listens on', () => {
    const byKindAndName = (kind: string, name: string) =>
      kubernetes.find((object) => object.kind === kind && object.metadata.name === name);
    const configMap = byKindAndName('ConfigMap', 'spectra-red-cluster')!;
    expectSpectraVariablesRead(Object.keys(configMap.data!));
    for (const [name, target, command] of [
      ['spectra-red-worker', 'worker', workerCommand],
      ['spectra-red-host', 'host', serveCommand],
    ] as const) {
      const deployment = byKindAndName('Deployment', name)!;
      const template = (deployment.spec as { template: { spec: { containers: Container[] } } })
        .template;
      const [container] = template.spec.containers;
      expect(container!.image).toBe(imageOfTarget(target));
      expect(container!.args![0]).toBe(command.name);
      for (const flag of container!.args!.filter((argument) => argument.startsWith('--')))
        expect(Object.keys({ ...command.options, 'data-dir': 1 })).toContain(flag.slice(2));
      expect(container!.ports!.map((port) => port.containerPort)).toEqual([DEFAULT_WORKER_PORT]);
      const environment = Object.fromEntries(
        (container!.env ?? []).map((entry) => [entry.name, entry.value ?? '']),
      );
      expectSpectraVariablesRead(Object.keys(environment));
      expect(container!.envFrom?.[0]?.configMapRef?.name).toBe('spectra-red-cluster');
      expect(environment.SPECTRA_ADVERTISE).toBe(
        `http://${name}.spectra-red.svc:${DEFAULT_WORKER_PORT}/`,
      );
      const service = byKindAndName('Service', name)!;
      const spec = service.spec as {
        type: string;
        selector: Record<string, string>;
        ports: Array<{ port: number; targetPort: number }>;
      };
      expect(spec.type).toBe('ClusterIP');
      expect(spec.ports[0]).toMatchObject({
        port: DEFAULT_WORKER_PORT,
        targetPort: DEFAULT_WORKER_PORT,
      });
      expect(
        (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector
          .matchLabels,
      ).toEqual(spec.selector);
    }
    expect(kubernetes.some((object) => object.kind === 'NetworkPolicy')).toBe(true);
  });
});
