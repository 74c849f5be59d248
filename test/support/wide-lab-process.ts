/**
 * A loopback lab of many listening ports in its own process (one process
 * holds at most ~20,000 descriptors here): `HOST_FIRST` to `HOST_LAST`
 * (127.x.y.z), every port of `PORT_FIRST`-`PORT_LAST`, each an SSH-like
 * service whose identification line is `BANNER_BYTES` long. Started by
 * test/support/wide-lab.ts through `fork`; answers `counts` with how often
 * each `host:port` was connected to.
 */
import { startLoopbackLab, type LabServiceDefinition } from '../lab/loopback-lab.js';
import { formatIpv4, parseIpv4 } from '../../src/shared/address-intervals.js';

const [hostFirst, hostLast, portFirst, portLast, bannerBytes] = process.argv.slice(2);
const first = parseIpv4(hostFirst!);
const last = parseIpv4(hostLast!);
if (!('value' in first) || !('value' in last)) throw new Error('wide lab: bad host range');
const banner = `SSH-2.0-WideLab_1.0 ${'x'.repeat(Math.max(0, Number(bannerBytes) - 20))}`;
const services: LabServiceDefinition[] = [];
for (let host = first.value; host <= last.value; host++)
  for (let port = Number(portFirst); port <= Number(portLast); port++)
    services.push({
      host: formatIpv4(host),
      port,
      protocol: 'ssh',
      banner,
      expected: { service: 'ssh', product: 'openssh' },
    });
const lab = await startLoopbackLab({ name: 'wide', services });
process.on('message', (message) => {
  if (message === 'counts')
    process.send!({ counts: Object.fromEntries(lab.connectionCounts().byService) });
  if (message === 'close') void lab.close().then(() => process.exit(0));
});
process.send!({ ready: services.length });
