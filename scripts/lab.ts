/**
 * `npm run lab [-- --size 256 [--ports-per-host 2] [--base 127.20.0.0] [--all]]`
 *
 * Starts the standard vulnerable lab (or a generated one of `--size` hosts)
 * on loopback addresses, prints what listens where and how to scan it, and
 * runs until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import {
  generateLab,
  startLoopbackLab,
  STANDARD_LAB,
  type LabDefinition,
} from '../test/lab/loopback-lab.js';

const LISTED_SERVICES_BY_DEFAULT = 200;

/** Hosts in nmap's octet-range syntax (`127.20.0-15.1-254 127.20.16.1-32`), grouped by /24. */
export function nmapTargetSpec(hosts: readonly string[]): string {
  const lastOctetsByPrefix = new Map<string, number[]>();
  for (const host of hosts) {
    const cut = host.lastIndexOf('.');
    const prefix = host.slice(0, cut);
    const list = lastOctetsByPrefix.get(prefix) ?? [];
    list.push(Number(host.slice(cut + 1)));
    lastOctetsByPrefix.set(prefix, list);
  }
  const specs: Array<{ head: string; third: number; tail: string }> = [];
  for (const [prefix, octets] of lastOctetsByPrefix) {
    octets.sort((left, right) => left - right);
    const runs: string[] = [];
    for (let index = 0; index < octets.length; ) {
      let end = index;
      while (end + 1 < octets.length && octets[end + 1] === octets[end]! + 1) end += 1;
      runs.push(index === end ? `${octets[index]}` : `${octets[index]}-${octets[end]}`);
      index = end + 1;
    }
    const cut = prefix.lastIndexOf('.');
    specs.push({
      head: prefix.slice(0, cut),
      third: Number(prefix.slice(cut + 1)),
      tail: runs.join(','),
    });
  }
  // Merge consecutive /24s with the same last-octet pattern into one third-octet range.
  const merged: string[] = [];
  for (let index = 0; index < specs.length; ) {
    const first = specs[index]!;
    let end = index;
    while (
      end + 1 < specs.length &&
      specs[end + 1]!.head === first.head &&
      specs[end + 1]!.tail === first.tail &&
      specs[end + 1]!.third === specs[end]!.third + 1
    ) {
      end += 1;
    }
    const third = end === index ? `${first.third}` : `${first.third}-${specs[end]!.third}`;
    merged.push(`${first.head}.${third}.${first.tail}`);
    index = end + 1;
  }
  return merged.join(' ');
}

function describeBanner(definition: LabDefinition['services'][number]): string {
  switch (definition.protocol) {
    case 'http':
      return `Server: ${definition.banner}`;
    case 'redis':
      return `redis_version:${definition.banner} (silent until asked)`;
    case 'mysql':
      return `MySQL greeting, server version ${definition.banner}`;
    default:
      return definition.banner;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string' },
      'ports-per-host': { type: 'string' },
      base: { type: 'string' },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`npm run lab [-- --size N [--ports-per-host N] [--base 127.x.y.z]] [--all]

Without --size: the standard vulnerable lab on 127.10.0.10-20.
With --size N: a generated lab of N hosts counted up from --base (127.20.0.0).
Only 127.0.0.0/8 addresses are ever bound. Ctrl-C stops it.`);
    return;
  }
  const definition =
    values.size === undefined
      ? STANDARD_LAB
      : generateLab({
          hostCount: Number(values.size),
          openPortsPerHost:
            values['ports-per-host'] === undefined ? 2 : Number(values['ports-per-host']),
          ...(values.base !== undefined && { base: values.base }),
        });

  const started = performance.now();
  const lab = await startLoopbackLab(definition);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);

  const shown = values.all ? lab.services : lab.services.slice(0, LISTED_SERVICES_BY_DEFAULT);
  for (const service of shown) {
    const expected = [service.expected.product, service.expected.version].filter(Boolean).join(' ');
    console.log(
      `${`${service.host}:${service.port}`.padEnd(22)} ${service.protocol.padEnd(6)} ${describeBanner(service)}   [${expected}]`,
    );
  }
  if (shown.length < lab.services.length) {
    console.log(`... and ${lab.services.length - shown.length} more (--all lists them)`);
  }

  const targets = nmapTargetSpec(lab.hosts);
  const ports = [...new Set(lab.services.map((service) => service.port))].sort(
    (left, right) => left - right,
  );
  console.log('');
  console.log(
    `lab "${definition.name}": ${lab.hosts.length} hosts, ${lab.services.length} services, started in ${seconds} s`,
  );
  console.log('scan it with:');
  console.log(`  nmap -sT -sV -T4 -n -Pn -p ${ports.join(',')} ${targets}`);
  // spectra takes first-last ranges (not nmap's octet ranges); the lab's hosts ascend.
  const firstHost = lab.hosts[0] ?? '127.0.0.1';
  const lastHost = lab.hosts[lab.hosts.length - 1] ?? firstHost;
  const [first, second] = firstHost.split('.');
  console.log(
    `  npm run spectra -- scan --targets ${firstHost}-${lastHost} --ports ${ports.join(',')} --scope ${first}.${second}.0.0/16`,
  );
  console.log('lab ready; Ctrl-C stops it');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void lab.close().then(() => {
      console.log('lab closed');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
