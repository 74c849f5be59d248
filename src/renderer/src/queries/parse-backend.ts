import type { z } from 'zod';

export class UnexpectedBackendData extends Error {}

/** Parses a backend answer with its shared schema; nothing unparsed reaches the store. */
export function parseBackend<Schema extends z.ZodType>(
  schema: Schema,
  raw: unknown,
  what: string,
): z.output<Schema> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
    throw new UnexpectedBackendData(
      `The backend sent an unexpected ${what}${where}: ${first?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
