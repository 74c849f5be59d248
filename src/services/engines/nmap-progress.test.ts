import { describe, expect, it } from 'vitest';
import { nmapHostGroupSize, NmapProgressReader } from './nmap-progress.js';

const progressLine = (percent: number, task = 'Connect Scan') =>
  `<taskprogress task="${task}" time="1796083413" percent="${percent.toFixed(2)}" remaining="5" etc="1796083417"/>\n`;
const hostElement = (address: string) =>
  `<host starttime="1" endtime="2"><status state="up" reason="user-set"/><address addr="${address}" addrtype="ipv4"/></host>\n`;

describe('nmap progress reader', () => {
  it('spreads the current group over its hosts, then counts the printed hosts', () => {
    // 20 hosts x 100 ports: one group of 20 (nmap's group is at least 64).
    const reader = new NmapProgressReader(20, 100, 4);
    expect(reader.read('<?xml version="1.0"?><nmaprun>\n<taskbegin task="Connect Scan"/>\n')).toBe(
      false,
    );
    expect(reader.read(progressLine(19.25))).toBe(true);
    expect(reader.hostsDone()).toBe(3);
    reader.read(progressLine(59.25));
    expect(reader.hostsDone()).toBe(11);
    // 100 % of the group is still not the group's hosts printed.
    reader.read(progressLine(100));
    expect(reader.hostsDone()).toBe(19);
    reader.read(
      Array.from({ length: 20 }, (_, index) => hostElement(`127.0.0.${index + 1}`)).join(''),
    );
    expect(reader.hostsDone()).toBe(20);
  });

  it('finds tags split across chunks and never goes backwards', () => {
    const reader = new NmapProgressReader(200, 100, 4);
    const line = progressLine(50);
    reader.read(line.slice(0, 30));
    expect(reader.hostsDone()).toBe(0);
    reader.read(line.slice(30));
    // The first group holds 64 hosts: half of them.
    expect(reader.hostsDone()).toBe(32);
    const host = hostElement('127.0.0.1');
    const cut = host.indexOf('</ho') + 3;
    reader.read(host.slice(0, cut));
    expect(reader.hostsDone()).toBe(32);
    reader.read(host.slice(cut));
    expect(reader.hostsDone()).toBe(32);
    // Service detection's own percentage does not move the probing estimate.
    reader.read(progressLine(90, 'Service scan'));
    expect(reader.hostsDone()).toBe(32);
  });

  it('follows nmap host group sizes', () => {
    expect(nmapHostGroupSize(100, 4, true)).toBe(64);
    expect(nmapHostGroupSize(6, 4, false)).toBe(170);
    expect(nmapHostGroupSize(2000, 4, true)).toBe(8);
    expect(nmapHostGroupSize(2000, 4, false)).toBe(64);
  });
});
