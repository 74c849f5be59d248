/**
 * Each distinct string once, for packed state entries (packed-hosts.ts,
 * src/services/packed-records.ts): `indexOf` adds a string the first time it
 * is met and gives its index in `strings` every time.
 */
export function stringTable(): { strings: string[]; indexOf: (text: string) => number } {
  const strings: string[] = [];
  const indexes = new Map<string, number>();
  const indexOf = (text: string): number => {
    let index = indexes.get(text);
    if (index === undefined) indexes.set(text, (index = strings.push(text) - 1));
    return index;
  };
  return { strings, indexOf };
}
