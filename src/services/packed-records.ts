import { stringTable } from '../shared/string-table.js';

/**
 * Lists of flat records (the affected services of a threat record, its
 * update history) as state entries store them: the field names once, every
 * distinct string once, each record a row of numbers. A service of a CVE
 * repeats its product, version, times and campaign ids with every other
 * service of the batch that saw it: as objects, ~200 bytes each; packed,
 * ~25. Those entries were twice the bytes of the campaign results a batch
 * stores, and each byte goes through JSON in the host and through
 * restate-server's journal and RocksDB.
 *
 * Entries written before packing hold plain arrays of records;
 * {@link unpackRecords} reads both.
 */
export interface PackedRecords {
  packed: 'records';
  /** Per field: its name and how rows hold it (`s` a string, `S` a list of strings, `v` as is). */
  fields: Array<[name: string, kind: 's' | 'S' | 'v']>;
  strings: string[];
  /** One per record, a value per field; null where the record has none. */
  rows: unknown[][];
}

type FlatRecord = object;

/** Packs records whose values are JSON and never null (null marks an absent field). */
export function packRecords(records: readonly FlatRecord[]): PackedRecords {
  const names = [
    ...new Set(records.flatMap((record) => Object.keys(record))),
  ] as (keyof FlatRecord)[];
  const fields = names.map((name): [string, 's' | 'S' | 'v'] => [name, kindOf(records, name)]);
  const { strings, indexOf } = stringTable();
  const rows = records.map((record) =>
    fields.map(([name, kind]) => {
      const value = record[name as keyof FlatRecord] as unknown;
      if (value === undefined) return null;
      if (kind === 's') return indexOf(value as string);
      if (kind === 'S') return (value as string[]).map(indexOf);
      return value;
    }),
  );
  return { packed: 'records', fields, strings, rows };
}

/** The records of an entry, packed or (written before packing) a plain array. */
export function unpackRecords<T>(stored: PackedRecords | T[] | null | undefined): T[] {
  if (!stored) return [];
  if (Array.isArray(stored)) return stored;
  const { fields, strings, rows } = stored;
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    fields.forEach(([name, kind], column) => {
      const value = row[column];
      if (value === null || value === undefined) return;
      record[name] =
        kind === 's'
          ? strings[value as number]
          : kind === 'S'
            ? (value as number[]).map((index) => strings[index])
            : value;
    });
    return record as T;
  });
}

/** `s` when every value present is a string, `S` when every one is a list of strings, else `v`. */
function kindOf(records: readonly FlatRecord[], name: keyof FlatRecord): 's' | 'S' | 'v' {
  let strings = true;
  let lists = true;
  for (const record of records) {
    const value = record[name] as unknown;
    if (value === undefined) continue;
    if (typeof value !== 'string') strings = false;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) lists = false;
    if (!strings && !lists) return 'v';
  }
  return strings ? 's' : lists ? 'S' : 'v';
}
