import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_ISSUES, unwrapInput } from './input-error';
import { TOP_1000_TCP_PORTS, TOP_100_TCP_PORTS } from './port-presets';
import { MAX_PORT, formatPorts, parsePorts } from './port-spec';

function messages(text: string): string[] {
  const result = parsePorts(text);
  return result.ok ? [] : result.issues.map((issue) => issue.message);
}

describe('port syntax', () => {
  it.each([
    ['22', [22]],
    ['22,80,443', [22, 80, 443]],
    ['443 80\n22 # ssh', [22, 80, 443]],
    ['8000-8003', [8000, 8001, 8002, 8003]],
    ['80,79-81,80', [79, 80, 81]],
    ['1', [1]],
    ['65535', [65_535]],
    ['0080', [80]],
    ['7-7', [7]],
  ])('%s', (text, expected) => {
    expect(unwrapInput(parsePorts(text))).toEqual(expected);
  });

  it('expands the named presets, combined with other entries', () => {
    expect(unwrapInput(parsePorts('top-100'))).toEqual(TOP_100_TCP_PORTS);
    expect(unwrapInput(parsePorts('TOP-1000'))).toEqual(TOP_1000_TCP_PORTS);
    expect(unwrapInput(parsePorts('top-100, 31337')).length).toBe(101);
  });

  it('accepts the whole port range cheaply', () => {
    expect(unwrapInput(parsePorts('1-65535')).length).toBe(MAX_PORT);
  });
});

describe('port errors', () => {
  it.each([
    ['70000', '"70000": port out of range'],
    ['0', '"0": port out of range'],
    ['99999999999999999999', '"99999999999999999999": port out of range'],
    ['1-70000', '"1-70000": port out of range'],
    ['-oN', '"-oN": not a port'],
    ['-100', '"-100": not a port'],
    ['100-', '"100-": range end is missing'],
    ['90-80', '"90-80": range start is after its end'],
    ['http', '"http": not a port'],
    ['T:80', '"T:80": not a port'],
    ['top-10', '"top-10": not a port'],
    ['22.5', '"22.5": not a port'],
    ['1-2-3', '"1-2-3": not a port'],
    ['__proto__', '"__proto__": not a port'],
    ['toString', '"toString": not a port'],
  ])('%s', (text, message) => {
    expect(messages(text)).toEqual([message]);
  });

  it('reports every bad entry with its line', () => {
    expect(parsePorts('22\n70000 -sV\n80')).toEqual({
      ok: false,
      issues: [
        {
          field: 'ports',
          token: '70000',
          line: 2,
          reason: 'port out of range',
          message: '"70000": port out of range',
        },
        {
          field: 'ports',
          token: '-sV',
          line: 2,
          reason: 'not a port',
          message: '"-sV": not a port',
        },
      ],
    });
  });

  it('refuses an empty list', () => {
    expect(messages('  # none')).toEqual(['ports: at least one port is required']);
  });
});

describe('compact form', () => {
  it.each([
    [[22, 80, 8000, 8001, 8002], '22,80,8000-8002'],
    [[443, 22, 80, 22], '22,80,443'],
    [[25, 26], '25-26'],
    [[], ''],
  ])('%j -> %s', (ports, text) => {
    expect(formatPorts(ports)).toBe(text);
  });
});

describe('presets', () => {
  it.each([
    ['top-100', TOP_100_TCP_PORTS, 100],
    ['top-1000', TOP_1000_TCP_PORTS, 1000],
  ])('%s holds %i unique ascending ports', (_name, ports, size) => {
    expect(ports.length).toBe(size);
    expect([...ports].sort((left, right) => left - right)).toEqual(ports);
    expect(new Set(ports).size).toBe(size);
    expect(ports.every((port) => Number.isInteger(port) && port >= 1 && port <= MAX_PORT)).toBe(
      true,
    );
  });

  it('nests top-100 in top-1000 and includes the usual suspects', () => {
    const top1000 = new Set(TOP_1000_TCP_PORTS);
    expect(TOP_100_TCP_PORTS.every((port) => top1000.has(port))).toBe(true);
    for (const port of [21, 22, 23, 25, 80, 443, 445, 3306, 3389, 8080])
      expect(TOP_100_TCP_PORTS).toContain(port);
  });

  it('matches what nmap 7.93 itself scans for --top-ports 100 (its -oX services list)', () => {
    expect(formatPorts(TOP_100_TCP_PORTS)).toBe(
      '7,9,13,21-23,25-26,37,53,79-81,88,106,110-111,113,119,135,139,143-144,179,199,389,427,443-445,465,' +
        '513-515,543-544,548,554,587,631,646,873,990,993,995,1025-1029,1110,1433,1720,1723,1755,1900,' +
        '2000-2001,2049,2121,2717,3000,3128,3306,3389,3986,4899,5000,5009,5051,5060,5101,5190,5357,5432,' +
        '5631,5666,5800,5900,6000-6001,6646,7070,8000,8008-8009,8080-8081,8443,8888,9100,9999-10000,' +
        '32768,49152-49157',
    );
  });
});

describe('port properties', () => {
  const portSet = fc.uniqueArray(
    fc.oneof(
      fc.integer({ min: 1, max: MAX_PORT }),
      fc.integer({ min: 1, max: 200 }),
      fc.integer({ min: MAX_PORT - 100, max: MAX_PORT }),
    ),
    { minLength: 1, maxLength: 300 },
  );

  it('round-trips through the compact form', () => {
    fc.assert(
      fc.property(portSet, (ports) => {
        const sorted = [...ports].sort((left, right) => left - right);
        const text = formatPorts(ports);
        expect(unwrapInput(parsePorts(text))).toEqual(sorted);
        expect(formatPorts(unwrapInput(parsePorts(text)))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text and never accepts anything out of range', () => {
    const nearPorts = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '-',
            ',',
            ' ',
            '\n',
            '#',
            'top-100',
            'top-',
            '0',
            '65535',
            '65536',
            '٣',
            '\uD800',
            '__proto__',
            'constructor',
          ),
          fc.integer({ min: 0, max: 100_000 }).map(String),
          fc.string({ unit: 'binary', maxLength: 3 }),
        ),
        { maxLength: 20 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), nearPorts), (text) => {
        const result = parsePorts(text);
        if (result.ok) {
          expect(result.value.length).toBeGreaterThan(0);
          expect(
            result.value.every((port) => Number.isInteger(port) && port >= 1 && port <= MAX_PORT),
          ).toBe(true);
        } else {
          expect(result.issues.length).toBeGreaterThan(0);
          expect(result.issues.length).toBeLessThanOrEqual(MAX_INPUT_ISSUES);
        }
      }),
      { numRuns: 500 },
    );
  });
});
