/**
 * The network a host is stored under, where records keep their hosts by
 * network rather than one state entry per host (threat records' affected
 * services, the host inventory): its IPv4 /24 ("127.44.1"), its IPv6 /64 (the
 * first four groups as written), or a hostname as it is. A campaign batch is a
 * contiguous window of addresses, so it touches one or two networks.
 */
export function networkOf(host: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.slice(0, host.lastIndexOf('.'));
  if (host.includes(':')) return host.split(':').slice(0, 4).join(':');
  return host;
}

/** Items grouped by the network of their address, in first-seen order. */
export function groupByNetwork<T>(
  items: Iterable<T>,
  addressOf: (item: T) => string,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const network = networkOf(addressOf(item));
    const group = groups.get(network);
    if (group) group.push(item);
    else groups.set(network, [item]);
  }
  return groups;
}
