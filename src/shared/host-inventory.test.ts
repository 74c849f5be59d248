import { describe, expect, it } from 'vitest';
import { compareAddresses, parseAddress } from './address-intervals.js';
import {
  hostCves,
  mergeHostSighting,
  mergeHostSightings,
  type HostRecord,
} from './host-inventory.js';
import { cvesOnHostsMatching, namesHosts, parseHostSearch, searchHosts } from './host-search.js';

const exim = {
  port: 25,
  service: 'smtp',
  product: 'exim',
  version: '4.87',
  banner: '220 mail ESMTP Exim 4.87',
  cves: [{ cve: 'CVE-2019-10149', severity: 'critical' as const, cvssScore: 9.8 }],
};
const ssh = {
  port: 22,
  service: 'ssh',
  product: 'openssh',
  version: '7.2p2',
  cves: [{ cve: 'CVE-2016-6210', severity: 'medium' as const, cvssScore: 5.9 }],
};

function host(address: string, ports: HostRecord['ports'] = []): HostRecord {
  return {
    address,
    hostnames: [],
    ports,
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:00.000Z',
    campaigns: [],
  };
}

const at = (day: number) => `2026-01-0${day}T00:00:00.000Z`;

describe('host inventory', () => {
  it('merges a batch into a network: each host as mergeHostSighting would, in address order', () => {
    const known = [
      host('127.10.0.5', [{ ...ssh, firstSeen: at(1), lastSeen: at(1) }]),
      host('127.10.0.40'),
    ];
    const sightings = [
      { address: '127.10.0.40', ports: [exim] },
      { address: '127.10.0.7', hostname: 'mail', ports: [exim] },
      { address: '127.10.0.5', ports: [exim] },
      // Listed twice (an imported file can): merged into this batch's first sighting.
      { address: '127.10.0.7', ports: [ssh] },
    ];
    const merged = mergeHostSightings(known, sightings, 'c-2', at(2));
    expect(merged.map((each) => each.address)).toEqual(['127.10.0.5', '127.10.0.7', '127.10.0.40']);
    expect(merged[0]).toEqual(mergeHostSighting(known[0], sightings[2]!, 'c-2', at(2)));
    expect(merged[1]).toEqual(
      mergeHostSighting(
        mergeHostSighting(undefined, sightings[1]!, 'c-2', at(2)),
        sightings[3]!,
        'c-2',
        at(2),
      ),
    );
    expect(merged[1]!.ports.map((port) => port.port)).toEqual([22, 25]);
    expect(merged[2]).toEqual(mergeHostSighting(known[1], sightings[0]!, 'c-2', at(2)));
    expect(mergeHostSightings(known, [], 'c-2', at(2))).toEqual(known);
  });

  it('merges sightings: ports replaced when seen again, kept otherwise, campaigns newest first', () => {
    const first = mergeHostSighting(
      undefined,
      { address: '127.10.0.5', ports: [ssh] },
      'c-1',
      at(1),
    );
    expect(first.firstSeen).toBe(at(1));
    const second = mergeHostSighting(
      first,
      { address: '127.10.0.5', hostname: 'mail.lab', ports: [exim, { ...ssh, version: '8.0' }] },
      'c-2',
      at(2),
    );
    expect(second.ports.map((port) => port.port)).toEqual([22, 25]);
    expect(second.ports[0]).toMatchObject({ version: '8.0', firstSeen: at(1), lastSeen: at(2) });
    expect(second.hostnames).toEqual(['mail.lab']);
    expect(second.campaigns.map((campaign) => campaign.campaignId)).toEqual(['c-2', 'c-1']);
    expect([second.firstSeen, second.lastSeen]).toEqual([at(1), at(2)]);
    // A re-sent older batch does not move last-seen backwards or duplicate the campaign.
    const replay = mergeHostSighting(second, { address: '127.10.0.5', ports: [] }, 'c-1', at(1));
    expect(replay.lastSeen).toBe(at(2));
    expect(replay.campaigns.map((campaign) => campaign.campaignId)).toEqual(['c-2', 'c-1']);
    // A per-host verdict survives new sightings.
    const triaged = {
      ...second,
      cveTriage: { 'CVE-2019-10149': { state: 'false-positive' as const, at: at(2) } },
    };
    expect(
      mergeHostSighting(triaged, { address: '127.10.0.5', ports: [exim] }, 'c-3', at(3)).cveTriage,
    ).toEqual(triaged.cveTriage);
  });

  it('lists a host’s CVEs once each, most severe first', () => {
    const record = host('127.10.0.5', [
      { ...ssh, firstSeen: at(1), lastSeen: at(1) },
      { ...exim, firstSeen: at(1), lastSeen: at(1) },
      { ...exim, port: 2525, firstSeen: at(1), lastSeen: at(1) },
    ]);
    expect(hostCves(record).map((cve) => cve.cve)).toEqual(['CVE-2019-10149', 'CVE-2016-6210']);
  });

  it('orders addresses numerically, IPv4 first', () => {
    expect(['127.0.0.10', '::1', '127.0.0.9'].sort(compareAddresses)).toEqual([
      '127.0.0.9',
      '127.0.0.10',
      '::1',
    ]);
    expect(parseAddress('256.0.0.1')).toBeUndefined();
    expect(parseAddress('fe80::1')?.family).toBe(6);
    expect(parseAddress('exim')).toBeUndefined();
  });
});

describe('host search', () => {
  const hosts = [
    host('127.10.0.5', [{ ...exim, firstSeen: at(1), lastSeen: at(1) }]),
    host('127.10.0.6', [{ ...ssh, firstSeen: at(1), lastSeen: at(1) }]),
    host('127.20.0.1', [{ ...ssh, firstSeen: at(1), lastSeen: at(1) }]),
  ];
  const addresses = (query: string) => searchHosts(hosts, query).map((entry) => entry.address);

  it('finds hosts by address, network, port, service, product, version, banner and CVE', () => {
    expect(addresses('127.10.0.5')).toEqual(['127.10.0.5']);
    expect(addresses('127.10.0.0/24')).toEqual(['127.10.0.5', '127.10.0.6']);
    expect(addresses('22')).toEqual(['127.10.0.6', '127.20.0.1']);
    expect(addresses('port:25')).toEqual(['127.10.0.5']);
    expect(addresses('EXIM')).toEqual(['127.10.0.5']);
    expect(addresses('ssh 127.20.0.0/16')).toEqual(['127.20.0.1']);
    expect(addresses('ESMTP')).toEqual(['127.10.0.5']);
    expect(addresses('cve-2016-6210')).toEqual(['127.10.0.6', '127.20.0.1']);
    expect(addresses('')).toHaveLength(3);
    expect(addresses('nothing-like-this')).toEqual([]);
  });

  it('tells host terms from text, and treats a bad network as text', () => {
    expect(parseHostSearch('127.0.0.0/33')[0]?.kind).toBe('text');
    expect(parseHostSearch('70000')[0]?.kind).toBe('text');
    expect(namesHosts('exim')).toBe(false);
    expect(namesHosts('127.10.0.5')).toBe(true);
    expect(namesHosts('record 4242')).toBe(false);
    expect(namesHosts('port:25')).toBe(true);
  });

  it('gives the CVEs on the hosts an address names (what a threat search should list)', () => {
    expect([...(cvesOnHostsMatching(hosts, '127.10.0.5') ?? [])]).toEqual(['CVE-2019-10149']);
    expect(cvesOnHostsMatching(hosts, 'apache')).toBeUndefined();
    expect(cvesOnHostsMatching(hosts, '10.9.9.9')?.size).toBe(0);
  });
});
