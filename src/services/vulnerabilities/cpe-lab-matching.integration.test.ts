import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../shared/observation.js';
import { isProductId } from '../../shared/products.js';
import { VULNERABILITY_RULES_SCHEMA_VERSION, type Finding } from '../../shared/vulnerability.js';
import { scanWithBuiltinEngine } from '../engines/builtin-engine.js';
import { findNmap, scanWithNmapEngine } from '../engines/nmap-engine.js';
import { serveConnection, type LabServiceBehaviour } from '../../../test/lab/lab-services.js';
import {
  BUNDLED_RULES_FILE_NAME,
  importFeedFile,
  loadKnowledgeBase,
  type KnowledgeBase,
} from './knowledge-base.js';
import { matchObservations } from './vulnerability-matcher.js';

/**
 * Products outside src/shared/products.ts (libssh, Jetty, Boa, thttpd) and
 * products whose nmap CPE differs from NVD's (nginx, Dropbear) on loopback,
 * scanned by real `nmap -sV` and by the built-in engine, matched against
 * fixtures/nvd-feed-lab.json (exact NVD CVE JSON 2.0 schema: AND
 * configurations with `vulnerable: false` platforms, an OS-only CVE, a
 * v2-only and a v4.0-only CVE). Vulnerable versions on 127.31.1.x, patched
 * versions of the same products on 127.31.2.x.
 */
interface LabService {
  host: string;
  port: number;
  behaviour: LabServiceBehaviour;
  /** CVEs the fixture feed must yield on this host:port. */
  expected: string[];
}

const VULNERABLE: LabService[] = [
  {
    host: '127.31.1.1',
    port: 22,
    behaviour: { protocol: 'ssh', banner: 'SSH-2.0-libssh_0.8.1' },
    expected: ['CVE-2018-10933'],
  },
  {
    host: '127.31.1.2',
    port: 80,
    behaviour: { protocol: 'http', banner: 'Jetty(9.4.11.v20180605)' },
    expected: ['CVE-2019-10241'],
  },
  {
    host: '127.31.1.3',
    port: 80,
    behaviour: { protocol: 'http', banner: 'nginx/1.16.1' },
    expected: ['CVE-2019-20372', 'CVE-2021-23017'],
  },
  {
    host: '127.31.1.4',
    port: 25,
    behaviour: {
      protocol: 'smtp',
      banner: '220 mail.lab.test ESMTP Sendmail 8.14.4/8.14.4; Tue, 3 Nov 2026 09:14:27 +0000',
    },
    expected: ['CVE-2014-3956'],
  },
  // nmap adds cpe:/o:linux:linux_kernel for Dropbear: the OS-only CVE-2016-5195 must not match it.
  {
    host: '127.31.1.5',
    port: 22,
    behaviour: { protocol: 'ssh', banner: 'SSH-2.0-dropbear_2016.74' },
    expected: ['CVE-2017-9078'],
  },
  {
    host: '127.31.1.6',
    port: 21,
    behaviour: {
      protocol: 'ftp',
      banner: '220 ProFTPD 1.3.6rc2 Server (Debian) [::ffff:127.31.1.6]',
    },
    expected: ['CVE-2019-12815'],
  },
  {
    host: '127.31.1.7',
    port: 80,
    behaviour: { protocol: 'http', banner: 'Boa/0.94.13' },
    expected: ['CVE-2025-99001'],
  },
  {
    host: '127.31.1.8',
    port: 80,
    behaviour: { protocol: 'http', banner: 'thttpd/2.25b 29dec2003' },
    expected: ['CVE-2025-99002'],
  },
];

const PATCHED: LabService[] = [
  {
    host: '127.31.2.1',
    port: 22,
    behaviour: { protocol: 'ssh', banner: 'SSH-2.0-libssh_0.8.4' },
    expected: [],
  },
  {
    host: '127.31.2.2',
    port: 80,
    behaviour: { protocol: 'http', banner: 'Jetty(9.4.53.v20231009)' },
    expected: [],
  },
  {
    host: '127.31.2.3',
    port: 80,
    behaviour: { protocol: 'http', banner: 'nginx/1.21.0' },
    expected: [],
  },
  {
    host: '127.31.2.4',
    port: 25,
    behaviour: {
      protocol: 'smtp',
      banner: '220 mail.lab.test ESMTP Sendmail 8.15.2/8.15.2; Tue, 3 Nov 2026 09:14:27 +0000',
    },
    expected: [],
  },
  {
    host: '127.31.2.5',
    port: 22,
    behaviour: { protocol: 'ssh', banner: 'SSH-2.0-dropbear_2020.81' },
    expected: [],
  },
  {
    host: '127.31.2.6',
    port: 21,
    behaviour: {
      protocol: 'ftp',
      banner: '220 ProFTPD 1.3.6b Server (Debian) [::ffff:127.31.2.6]',
    },
    expected: [],
  },
  {
    host: '127.31.2.7',
    port: 80,
    behaviour: { protocol: 'http', banner: 'Boa/0.94.14rc21' },
    expected: [],
  },
  {
    host: '127.31.2.8',
    port: 80,
    behaviour: { protocol: 'http', banner: 'thttpd/2.29 23May2018' },
    expected: [],
  },
];

const SERVICES = [...VULNERABLE, ...PATCHED];
const PORTS = [21, 22, 25, 80];
const fixtures = join(import.meta.dirname, 'fixtures');
const nmapPath = await findNmap();

let servers: Server[] = [];
let workDir: string;
let knowledge: KnowledgeBase;

beforeAll(async () => {
  servers = await Promise.all(
    SERVICES.map(
      ({ host, port, behaviour }) =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer((socket) => serveConnection(socket, behaviour));
          server.once('error', reject);
          server.listen(port, host, () => resolve(server));
        }),
    ),
  );
  workDir = await mkdtemp(join(tmpdir(), 'spectra-cpe-lab-'));
  const knowledgeDir = join(workDir, 'knowledge');
  await importFeedFile(join(fixtures, 'nvd-feed-lab.json'), knowledgeDir);
  await importFeedFile(join(fixtures, 'kev-catalog.json'), knowledgeDir);
  await importFeedFile(join(fixtures, 'epss-scores.csv'), knowledgeDir);
  // No bundled rules: every finding must come from the imported feed (the bundle has nginx and ProFTPD CVEs of its own).
  const resourcesDir = join(workDir, 'resources');
  await mkdir(resourcesDir);
  await writeFile(
    join(resourcesDir, BUNDLED_RULES_FILE_NAME),
    JSON.stringify({
      schemaVersion: VULNERABILITY_RULES_SCHEMA_VERSION,
      generated: '2026-11-30T00:00:00Z',
      rules: [],
    }),
  );
  knowledge = await loadKnowledgeBase({ resourcesDir, knowledgeDir });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(workDir, { recursive: true, force: true });
});

/** CVEs by host:port, sorted, for every lab service (empty list where none). */
function findingsByService(findings: readonly Finding[]): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const service of SERVICES) table[`${service.host}:${service.port}`] = [];
  for (const finding of findings) {
    const key = `${finding.host}:${finding.port}`;
    table[key] = [...(table[key] ?? []), finding.cve].sort();
  }
  return table;
}

const expectedTable = Object.fromEntries(
  SERVICES.map((service) => [`${service.host}:${service.port}`, [...service.expected].sort()]),
);

function recall(found: Record<string, string[]>): string {
  const expected = VULNERABLE.flatMap((service) =>
    service.expected.map((cve) => `${service.host}:${service.port} ${cve}`),
  );
  const hits = expected.filter((entry) => {
    const [where, cve] = entry.split(' ') as [string, string];
    return found[where]?.includes(cve);
  });
  return `${hits.length}/${expected.length}`;
}

function checkEnrichment(findings: readonly Finding[]): void {
  const byCve = new Map(findings.map((finding) => [finding.cve, finding]));
  // v2 only: NVD's v2 bands, no critical.
  expect(byCve.get('CVE-2014-3956')).toMatchObject({
    cvssVersion: '2.0',
    severity: 'low',
    cvssScore: 1.9,
  });
  // v4.0 only, scored by a CNA.
  expect(byCve.get('CVE-2025-99001')).toMatchObject({
    cvssVersion: '4.0',
    cvssScore: 9.3,
    cvssSource: 'cna@vuldb.com',
    severity: 'critical',
  });
  expect(byCve.get('CVE-2019-12815')?.kev).toEqual({
    dateAdded: '2021-11-03',
    knownRansomwareCampaignUse: 'Unknown',
    dueDate: '2022-05-03',
  });
  expect(byCve.get('CVE-2018-10933')?.epss).toMatchObject({ score: 0.94012, percentile: 0.99901 });
}

describe.skipIf(nmapPath === undefined)('nmap -sV CPEs against an imported NVD feed', () => {
  let observations: Observation[];
  beforeAll(async () => {
    const result = await scanWithNmapEngine({
      hosts: SERVICES.map((service) => service.host),
      ports: PORTS,
      serviceDetection: true,
    });
    observations = result.observations;
  }, 240_000);

  it('names most products outside the 22 display ids, with nmap’s CPE', () => {
    const libssh = observations.find((observation) => observation.host === '127.31.1.1');
    expect(libssh).toMatchObject({
      product: 'libssh',
      version: '0.8.1',
      cpe: 'cpe:2.3:a:libssh:libssh:0.8.1:*:*:*:*:*:*:*',
    });
    const outside = observations.filter(
      (observation) => observation.product && !isProductId(observation.product),
    );
    expect(outside.length).toBeGreaterThanOrEqual(6);
  });

  it('finds exactly the expected CVEs on the right host:port, none on patched versions', () => {
    const findings = matchObservations(observations, knowledge.index);
    const table = findingsByService(findings);
    console.info(`nmap engine recall on the CPE lab: ${recall(table)}`);
    expect(table).toEqual(expectedTable);
    checkEnrichment(findings);
  });
});

describe('built-in engine identification against an imported NVD feed', () => {
  it('finds exactly the expected CVEs on the right host:port, none on patched versions', async () => {
    const result = await scanWithBuiltinEngine({
      hosts: SERVICES.map((service) => service.host),
      ports: PORTS,
    });
    const findings = matchObservations(result.observations, knowledge.index);
    const table = findingsByService(findings);
    console.info(`built-in engine recall on the CPE lab: ${recall(table)}`);
    expect(table).toEqual(expectedTable);
    checkEnrichment(findings);
  }, 60_000);
});
