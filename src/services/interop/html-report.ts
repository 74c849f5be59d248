import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { CampaignReport } from '../../shared/campaign.js';
import type { FindingRow } from '../../shared/interop.js';
import { SEVERITY_ORDER, type Severity } from '../../shared/vulnerability.js';
import { nmapProductName } from './nmap-xml-export.js';

/**
 * The offline report: one HTML file with inline CSS and inline SVG charts, no
 * script and no external reference (its Content-Security-Policy forbids any
 * request), rendered with React on the server side. Everything from scanned
 * hosts (banners, versions) goes through React's escaping.
 */

const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '#b3001b',
  high: '#e4572e',
  medium: '#f3a712',
  low: '#4c8bf5',
  none: '#8a8f98',
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2129;background:#fff}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #d8dce3;padding-bottom:.25rem}
.muted{color:#5c6370}.stats{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.stat{border:1px solid #d8dce3;border-radius:6px;padding:.5rem 1rem;min-width:8rem}.stat b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eceef2;vertical-align:top}
th{background:#f5f6f8}.sev{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-size:.8rem;text-transform:uppercase}
code{font-family:ui-monospace,monospace;font-size:.85rem}.charts{display:flex;flex-wrap:wrap;gap:2rem}
@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}
`;

interface Bar {
  label: string;
  value: number;
  colour: string;
}

function BarChart(props: { title: string; bars: Bar[] }): ReactNode {
  const rowHeight = 22;
  const labelWidth = 150;
  const width = 460;
  const max = Math.max(1, ...props.bars.map((bar) => bar.value));
  const height = Math.max(rowHeight, props.bars.length * rowHeight);
  return h(
    'figure',
    { style: { margin: 0 } },
    h('figcaption', null, h('strong', null, props.title)),
    props.bars.length === 0
      ? h('p', { className: 'muted' }, 'Nothing to chart.')
      : h(
          'svg',
          {
            xmlns: 'http://www.w3.org/2000/svg',
            width,
            height,
            viewBox: `0 0 ${width} ${height}`,
            role: 'img',
            'aria-label': `${props.title}: ${props.bars.map((bar) => `${bar.label} ${bar.value}`).join(', ')}`,
          },
          ...props.bars.map((bar, index) =>
            h(
              'g',
              { key: bar.label, transform: `translate(0 ${index * rowHeight})` },
              h('text', { x: 0, y: 15, fontSize: 12 }, bar.label),
              h('rect', {
                x: labelWidth,
                y: 4,
                height: rowHeight - 8,
                width: Math.max(1, (bar.value / max) * (width - labelWidth - 50)),
                fill: bar.colour,
                rx: 2,
              }),
              h(
                'text',
                {
                  x: labelWidth + (bar.value / max) * (width - labelWidth - 50) + 6,
                  y: 15,
                  fontSize: 12,
                },
                String(bar.value),
              ),
            ),
          ),
        ),
  );
}

function SeverityBadge(props: { severity: Severity }): ReactNode {
  return h(
    'span',
    { className: 'sev', style: { background: SEVERITY_COLOURS[props.severity] } },
    props.severity,
  );
}

function Stat(props: { label: string; value: string | number }): ReactNode {
  return h('div', { className: 'stat' }, h('b', null, String(props.value)), props.label);
}

export function CampaignReportDocument(props: {
  report: CampaignReport;
  rows: readonly FindingRow[];
  generatedAt: string;
  toolVersion: string;
}): ReactNode {
  const { report, rows } = props;
  const services = new Map<string, number>();
  for (const host of report.hosts)
    for (const port of host.ports) {
      const name = port.service ?? 'unknown';
      services.set(name, (services.get(name) ?? 0) + 1);
    }
  const severityBars = SEVERITY_ORDER.map((severity) => ({
    label: severity,
    value: report.totals.findings[severity] ?? 0,
    colour: SEVERITY_COLOURS[severity],
  }));
  const serviceBars = [...services]
    .sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]))
    .slice(0, 12)
    .map(([label, value]) => ({ label, value, colour: '#3d5a80' }));

  return h(
    'html',
    { lang: 'en' },
    h(
      'head',
      null,
      h('meta', { charSet: 'utf-8' }),
      h('meta', {
        httpEquiv: 'Content-Security-Policy',
        content: "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('title', null, `Spectra-Red report: ${report.name}`),
      h('style', { dangerouslySetInnerHTML: { __html: STYLE } }),
    ),
    h(
      'body',
      null,
      h('h1', null, report.name),
      h(
        'p',
        { className: 'muted' },
        `Campaign ${report.campaignId} · ${report.state}${report.complete ? '' : ' (incomplete)'} · engine ${report.engine ?? 'n/a'} · scope ${typeof report.request.scope === 'string' ? report.request.scope : report.request.scope.map((entry) => entry.network).join(', ')} · ${report.startedAt ?? ''} – ${report.finishedAt ?? ''}`,
      ),
      h(
        'section',
        { 'aria-label': 'Summary' },
        h('h2', null, 'Summary'),
        h(
          'div',
          { className: 'stats' },
          h(Stat, { label: 'targets', value: report.totals.targets }),
          h(Stat, { label: 'hosts up', value: report.totals.hostsUp }),
          h(Stat, { label: 'open ports', value: report.totals.openPorts }),
          h(Stat, { label: 'CVEs', value: report.threats.length }),
          h(Stat, { label: 'findings', value: rows.length }),
        ),
        h(
          'div',
          { className: 'charts' },
          h(BarChart, { title: 'Findings by severity', bars: severityBars }),
          h(BarChart, { title: 'Open ports by service', bars: serviceBars }),
        ),
      ),
      h(
        'section',
        { 'aria-label': 'Findings' },
        h('h2', null, 'Findings by severity'),
        ...SEVERITY_ORDER.filter((severity) => rows.some((row) => row.severity === severity)).map(
          (severity) =>
            h(
              'div',
              { key: severity },
              h(
                'h3',
                null,
                h(SeverityBadge, { severity }),
                ` ${rows.filter((row) => row.severity === severity).length}`,
              ),
              h(
                'table',
                null,
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ...[
                      'CVE',
                      'CVSS',
                      'Service',
                      'Product',
                      'EPSS',
                      'KEV',
                      'Triage',
                      'Summary',
                    ].map((title) => h('th', { key: title }, title)),
                  ),
                ),
                // Arrays, not spread arguments: a campaign's rows can outnumber the call stack.
                h(
                  'tbody',
                  null,
                  rows
                    .filter((row) => row.severity === severity)
                    .map((row) =>
                      h(
                        'tr',
                        { key: `${row.cve}/${row.host}:${row.port}` },
                        h('td', null, h('code', null, row.cve)),
                        h('td', { title: row.cvssVector }, row.cvssScore.toFixed(1)),
                        h('td', null, `${row.host}:${row.port}`),
                        h(
                          'td',
                          null,
                          [nmapProductName(row.product), row.version].filter(Boolean).join(' '),
                        ),
                        h('td', null, row.epss === undefined ? '' : row.epss.toFixed(3)),
                        h('td', null, row.kev === undefined ? '' : row.kev ? 'yes' : 'no'),
                        h('td', null, row.triageState ?? ''),
                        h('td', null, row.summary),
                      ),
                    ),
                ),
              ),
            ),
        ),
        rows.length === 0
          ? h('p', { className: 'muted' }, 'No known vulnerabilities were found.')
          : null,
      ),
      h(
        'section',
        { 'aria-label': 'Hosts and ports' },
        h('h2', null, 'Hosts and open ports'),
        h(
          'table',
          null,
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ...['Host', 'Port', 'Service', 'Product', 'Version', 'CVEs'].map((title) =>
                h('th', { key: title }, title),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            report.hosts.flatMap((host) =>
              host.ports.map((port) =>
                h(
                  'tr',
                  { key: `${host.host}:${port.port}` },
                  h('td', null, host.hostname ? `${host.host} (${host.hostname})` : host.host),
                  h('td', null, `${port.port}/tcp`),
                  h('td', null, port.service ?? ''),
                  h('td', null, nmapProductName(port.product) ?? ''),
                  h('td', null, port.version ?? ''),
                  h('td', null, port.cves.join(', ')),
                ),
              ),
            ),
          ),
        ),
      ),
      h(
        'section',
        { 'aria-label': 'Audit trail' },
        h('h2', null, 'Audit trail'),
        h(
          'table',
          null,
          h(
            'tbody',
            null,
            report.audit.map((entry, index) =>
              h(
                'tr',
                { key: index },
                h('td', null, entry.at),
                h('td', null, entry.event),
                h(
                  'td',
                  null,
                  [entry.actor && `by ${entry.actor}`, entry.detail].filter(Boolean).join(': '),
                ),
              ),
            ),
          ),
        ),
      ),
      h(
        'p',
        { className: 'muted' },
        `Generated by Spectra-Red ${props.toolVersion} at ${props.generatedAt}.`,
      ),
    ),
  );
}

export function exportHtmlReport(
  report: CampaignReport,
  rows: readonly FindingRow[],
  context: { generatedAt: string; toolVersion: string },
): string {
  return (
    '<!DOCTYPE html>\n' +
    renderToStaticMarkup(h(CampaignReportDocument, { report, rows, ...context })) +
    '\n'
  );
}
