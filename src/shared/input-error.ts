import { z } from 'zod';

/** Which campaign input an issue belongs to, so a form can show it beside the right field. */
export const InputField = z.enum([
  'targets',
  'exclusions',
  'ports',
  'scope',
  'batchSize',
  'batchesInFlight',
  'maxHosts',
]);
export type InputField = z.infer<typeof InputField>;

/**
 * One rejected piece of analyst input.
 *
 * `line` is 1-based within the field's text; 0 means the issue concerns the
 * field as a whole (e.g. an empty scope), and then `token` is the field name
 * and the message is not quoted: `scope: at least one network is required`.
 * Otherwise the message quotes the token: `"10.0.0.300": octet out of range`.
 */
export const InputIssue = z.object({
  field: InputField,
  token: z.string(),
  line: z.number().int().min(0),
  reason: z.string(),
  message: z.string(),
});
export type InputIssue = z.infer<typeof InputIssue>;

/** Parsers stop collecting after this many issues: enough to fix a paste, bounded for a huge one. */
export const MAX_INPUT_ISSUES = 100;

/** Tokens longer than this are shortened in issues so a pasted megabyte never ends up in a message. */
const MAX_TOKEN_DISPLAY_LENGTH = 80;

function displayToken(token: string): string {
  const characters = Array.from(token);
  if (characters.length <= MAX_TOKEN_DISPLAY_LENGTH) return token;
  return `${characters.slice(0, MAX_TOKEN_DISPLAY_LENGTH - 1).join('')}…`;
}

/** An issue about one token on one line; the token is JSON-quoted so control characters stay visible. */
export function tokenIssue(
  field: InputField,
  token: string,
  line: number,
  reason: string,
): InputIssue {
  const shown = displayToken(token);
  return { field, token: shown, line, reason, message: `${JSON.stringify(shown)}: ${reason}` };
}

/** An issue about a whole field (line 0). */
export function fieldIssue(field: InputField, reason: string): InputIssue {
  return { field, token: field, line: 0, reason, message: `${field}: ${reason}` };
}

/** Either the parsed value or every issue found (up to {@link MAX_INPUT_ISSUES}). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: InputIssue[] };

/** Collects issues up to the cap; parsers keep going after the first so the analyst sees them all. */
export class IssueCollector {
  readonly issues: InputIssue[] = [];

  get full(): boolean {
    return this.issues.length >= MAX_INPUT_ISSUES;
  }

  add(issue: InputIssue): void {
    if (!this.full) this.issues.push(issue);
  }

  addAll(issues: readonly InputIssue[]): void {
    for (const issue of issues) this.add(issue);
  }
}

/** The one error type input parsing throws (through {@link unwrapInput}); carries every issue. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[]) {
    super(
      issues.length === 0
        ? 'invalid input'
        : issues
            .map(
              (issue) =>
                (issue.line > 0 ? `${issue.field} line ${issue.line}: ` : '') + issue.message,
            )
            .join('\n'),
    );
    this.issues = issues;
  }
}

/** For callers that prefer exceptions: the value, or an {@link InputError} with all issues. */
export function unwrapInput<T>(result: ParseResult<T>): T {
  if (result.ok) return result.value;
  throw new InputError(result.issues);
}

/** Minimal shape of zod's refinement context, so schemas in several files share one reporter. */
interface RefinementContext {
  addIssue(issue: {
    code: 'custom';
    message: string;
    input: unknown;
    path?: PropertyKey[];
    params?: Record<string, unknown>;
  }): void;
}

/**
 * Reports input issues as zod issues. The message is the issue's message;
 * `params` carries `{field, token, line, reason}` so a form can mark the line.
 */
export function reportIssues(
  context: RefinementContext,
  input: unknown,
  issues: readonly InputIssue[],
  path: (issue: InputIssue) => PropertyKey[] = () => [],
): void {
  for (const issue of issues) {
    context.addIssue({
      code: 'custom',
      message: issue.message,
      input,
      path: path(issue),
      params: { ...issue },
    });
  }
}

/** One whitespace- or comma-separated word of analyst input, with its 1-based line. */
export interface InputToken {
  token: string;
  line: number;
}

/**
 * Splits free-form input the way every campaign field accepts it: one entry
 * per line or several separated by commas or whitespace, `#` starting a
 * comment that runs to the end of the line. Lines are counted like a textarea
 * counts them (`\n`, `\r\n` or `\r`), so issue line numbers match the form.
 */
export function tokenizeInput(text: string): InputToken[] {
  const tokens: InputToken[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (const [index, rawLine] of lines.entries()) {
    const commentStart = rawLine.indexOf('#');
    const content = commentStart === -1 ? rawLine : rawLine.slice(0, commentStart);
    for (const token of content.split(/[\s,]+/u)) {
      if (token !== '') tokens.push({ token, line: index + 1 });
    }
  }
  return tokens;
}
