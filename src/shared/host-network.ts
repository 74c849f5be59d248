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
  return groupBy(items, (item) => networkOf(addressOf(item)));
}

/** Items grouped by a key, in first-seen order (ES2024's Map.groupBy, which ES2023 lacks). */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
