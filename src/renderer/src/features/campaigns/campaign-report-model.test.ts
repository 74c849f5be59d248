import { describe, expect, it } from 'vitest';
import { openPortsByService, severityBars } from './campaign-report-model';

describe('report charts', () => {
  it('counts findings per severity, most severe first', () => {
    expect(severityBars({ critical: 2, high: 1, medium: 0, low: 3, none: 9 })).toEqual([
      { label: 'Critical', value: 2, tone: 'critical' },
      { label: 'High', value: 1, tone: 'high' },
      { label: 'Medium', value: 0, tone: 'medium' },
      { label: 'Low', value: 3, tone: 'low' },
    ]);
  });

  it('counts open ports per service and folds the tail into "other"', () => {
    const hosts = [
      {
        host: '127.0.0.1',
        ports: [
          { port: 22, product: 'openssh', cves: [] },
          { port: 80, service: 'http', cves: [] },
        ],
      },
      {
        host: '127.0.0.2',
        ports: [
          { port: 22, product: 'openssh', cves: [] },
          { port: 9999, cves: [] },
        ],
      },
    ];
    expect(openPortsByService({ hosts }, 2)).toEqual([
      { label: 'openssh', value: 2 },
      { label: 'http', value: 1 },
      { label: 'other', value: 1, tone: 'none' },
    ]);
  });
});
