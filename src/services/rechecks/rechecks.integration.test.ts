import { connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreatRecord } from '../../shared/threat.js';
import {
  startLoopbackLab,
  type LabServiceDefinition,
  type LoopbackLab,
} from '../../../test/lab/loopback-lab.js';
import { startTemporaryAppHost, waitFor } from '../../../test/support/temporary-host.js';
import { runCampaign } from '../../../test/support/campaign-client.js';
import type { Host } from '../../main/host/host-runtime.js';

/**
 * Re-checks against a real restate-server and loopback services of this
 * suite's own range (127.70.0.0/24). Each service is its own lab so one can be
 * closed to play a remediated host; each case works on a different CVE.
 */
const SERVICES: Record<string, LabServiceDefinition> = {
  apache: {
    host: '127.70.0.10',
    port: 80,
    protocol: 'http',
    banner: 'Apache/2.4.49 (Unix)',
    expected: { service: 'http', product: 'apache_httpd', version: '2.4.49' },
  },
  vsftpd: {
    host: '127.70.0.11',
    port: 21,
    protocol: 'ftp',
    banner: '220 (vsFTPd 2.3.4)',
    expected: { service: 'ftp', product: 'vsftpd', version: '2.3.4' },
  },
  proftpd: {
    host: '127.70.0.12',
    port: 21,
    protocol: 'ftp',
    banner: '220 ProFTPD 1.3.5 Server (Debian) [::ffff:127.70.0.12]',
    expected: { service: 'ftp', product: 'proftpd', version: '1.3.5' },
  },
  exim: {
    host: '127.70.0.13',
    port: 25,
    protocol: 'smtp',
    banner: '220 mail.lab.test ESMTP Exim 4.87 Ubuntu Tue, 03 Nov 2026 09:14:27 +0000',
    expected: { service: 'smtp', product: 'exim', version: '4.87' },
  },
};
const APACHE_CVE = 'CVE-2021-41773';
const VSFTPD_CVE = 'CVE-2011-2523';
const PROFTPD_CVE = 'CVE-2015-3306';
const EXIM_CVE = 'CVE-2019-10149';
const SHORT_RECHECK_MS = 1_500;

const labs = new Map<string, LoopbackLab>();
let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;

beforeAll(async () => {
  for (const [name, service] of Object.entries(SERVICES))
    labs.set(name, await startLoopbackLab({ name, services: [service] }));
  host = await startTemporaryAppHost();
  services = connectSpectra(host.ingress);
  const { progress } = await runCampaign(host.ingress, {
    name: 're-check lab',
    targets: '127.70.0.10-127.70.0.13',
    ports: '21,25,80',
    scope: '127.70.0.0/24',
    engine: 'builtin',
    connectTimeoutMs: 500,
  });
  expect(progress.state).toBe('completed');
  for (const cve of [APACHE_CVE, VSFTPD_CVE, PROFTPD_CVE, EXIM_CVE])
    await waitFor(`threat record of ${cve}`, () => threat(cve).get());
});

afterAll(async () => {
  await host?.dispose();
  for (const lab of labs.values()) await lab.close();
});

function threat(cve: string) {
  return services.threatIntel(cve);
}

function waitForVerification(cve: string): Promise<ThreatRecord> {
  return waitFor(
    `a re-check verdict on ${cve}`,
    async () => {
      const record = await threat(cve).get();
      return record?.verification ? record : undefined;
    },
    15_000,
  );
}

describe('re-checks of remediated threats', () => {
  it('verifies a remediation when the vulnerable service is gone', async () => {
    await labs.get('apache')!.close();
    const remediated = await threat(APACHE_CVE).triage({
      state: 'remediated',
      note: 'patched httpd',
      recheckAfterMs: SHORT_RECHECK_MS,
    });
    expect(remediated.recheck?.afterMs).toBe(SHORT_RECHECK_MS);
    expect(remediated.verification).toBeUndefined();

    const record = await waitForVerification(APACHE_CVE);
    expect(record.triage.state).toBe('remediated');
    expect(record.recheck).toBeUndefined();
    expect(record.verification).toMatchObject({
      state: 'verified',
      trigger: 'scheduled',
      services: [{ host: '127.70.0.10', port: 80, state: 'closed' }],
    });
    // The threats table shows the verdict too (its update is a message, so it may trail).
    await waitFor('the threats table to show the verdict', async () => {
      const rows = await services.threatIndex().list({ text: APACHE_CVE });
      const row = rows.find((candidate) => candidate.cve === APACHE_CVE);
      return row?.triageState === 'remediated' && row.verification === 'verified';
    });
  });

  it('reopens a remediation when the vulnerable service is still there', async () => {
    await threat(VSFTPD_CVE).triage({ state: 'confirmed' });
    await threat(VSFTPD_CVE).triage({ state: 'remediated', recheckAfterMs: SHORT_RECHECK_MS });

    const record = await waitForVerification(VSFTPD_CVE);
    expect(record.verification?.state).toBe('still-vulnerable');
    expect(record.triage.state).toBe('confirmed');
    expect(record.triage.history.at(-1)).toMatchObject({
      previousState: 'remediated',
      state: 'confirmed',
      actor: 're-check',
      note: 're-check: still vulnerable on 127.70.0.11:21 (vsftpd_project:vsftpd 2.3.4)',
    });
    expect(record.notes.at(-1)?.text).toBe(
      're-check: still vulnerable on 127.70.0.11:21 (vsftpd_project:vsftpd 2.3.4)',
    );
  });

  it('ignores a re-check planned before the analyst changed the triage again', async () => {
    await threat(PROFTPD_CVE).triage({ state: 'remediated', recheckAfterMs: SHORT_RECHECK_MS });
    await threat(PROFTPD_CVE).triage({ state: 'confirmed', note: 'not patched after all' });
    // The delayed re-check fires during this wait and must find itself stale.
    await new Promise((resolve) => setTimeout(resolve, SHORT_RECHECK_MS + 2_500));
    const record = (await threat(PROFTPD_CVE).get())!;
    expect(record.verification).toBeUndefined();
    expect(record.triage.state).toBe('confirmed');
    expect(record.triage.history.some((event) => event.actor === 're-check')).toBe(false);
  });

  it('runs a manual re-check now, through the Rechecks service', async () => {
    const started = Date.now();
    const result = await services.rechecks().run({ cve: EXIM_CVE, trigger: 'manual' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result).toMatchObject({
      cve: EXIM_CVE,
      status: 'applied',
      verdict: 'still-vulnerable',
      // An open threat is not reopened or closed by a probe: only the verdict is recorded.
      triageState: 'new',
      reopened: false,
    });
    const record = (await threat(EXIM_CVE).get())!;
    expect(record.verification).toMatchObject({ state: 'still-vulnerable', trigger: 'manual' });

    await expect(
      services.rechecks().run({ cve: 'CVE-1999-0001', trigger: 'manual' }),
    ).rejects.toThrow(/no threat record/);
  });
});
