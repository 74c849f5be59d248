import { z } from 'zod';
import {
  type InputIssue,
  type ParseResult,
  IssueCollector,
  fieldIssue,
  reportIssues,
  tokenIssue,
  tokenizeInput,
} from './input-error';
import { type TargetSet, parseTargetToken } from './target-spec';
import {
  type AddressInterval,
  coversInterval,
  formatInterval,
  intersectInterval,
  mergeIntervals,
  parseAddress,
  subtractIntervals,
} from './address-intervals';

/**
 * The networks a campaign may touch. Every target must fall inside them;
 * hostnames are checked once resolved ({@link isAddressInScope}).
 *
 * Text form: the same syntax as targets minus hostnames (addresses, CIDRs,
 * ranges, `!` exclusions, `#` comments), one or more per line. The word
 * `sensitive` right after a network on the same line marks that network
 * sensitive: `127.10.0.0/24 sensitive`. Structured form: a list of
 * {@link ScopeEntry} (`{ network: '127.10.0.0/24', sensitive: true }`).
 * Sensitive networks are in scope; touching them is reported so the campaign
 * can ask the analyst for approval first.
 */

const SENSITIVE_KEYWORD = 'sensitive';

/** A structured scope entry; the object shape alone (no parsing), for composing larger schemas. */
export const ScopeEntryShape = z.object({
  /** One address, CIDR or range; a leading `!` excludes it from the scope. */
  network: z.string(),
  sensitive: z.boolean().optional(),
});

/** A structured scope entry whose network must parse. */
export const ScopeEntry = ScopeEntryShape.superRefine((entry, context) => {
  const result = parseScope([entry]);
  // Whole-scope issues (e.g. only an exclusion) belong to the list, not to one entry.
  if (!result.ok)
    reportIssues(
      context,
      entry,
      result.issues.filter((issue) => issue.line > 0),
      () => ['network'],
    );
});
export type ScopeEntry = z.infer<typeof ScopeEntry>;

export interface ScopeNetwork {
  /** Canonical text (`10.0.0.0/24`, `!10.0.0.1`). */
  network: string;
  /** As typed, for messages. */
  token: string;
  line: number;
  sensitive: boolean;
  excluded: boolean;
  interval: AddressInterval;
}

export interface Scope {
  networks: ScopeNetwork[];
  /** Merged, disjoint: the included networks minus the excluded ones. */
  allowed: AddressInterval[];
  /** Merged, disjoint: the sensitive part of {@link allowed}. */
  sensitive: AddressInterval[];
}

function parseScopeToken(
  token: string,
  line: number,
  sensitive: boolean,
): { network: ScopeNetwork } | { issue: InputIssue } {
  const excluded = token.startsWith('!');
  const parsed = parseTargetToken(excluded ? token.slice(1) : token);
  if ('reason' in parsed) {
    const reason = parsed.reason === 'not a target' ? 'not a network' : parsed.reason;
    return { issue: tokenIssue('scope', token, line, reason) };
  }
  if (parsed.value.kind === 'hostname') {
    return {
      issue: tokenIssue('scope', token, line, 'scope takes addresses or networks, not hostnames'),
    };
  }
  if (excluded && sensitive) {
    return { issue: tokenIssue('scope', token, line, 'an exclusion cannot be sensitive') };
  }
  const interval = parsed.value.interval;
  return {
    network: {
      network: (excluded ? '!' : '') + formatInterval(interval),
      token,
      line,
      sensitive,
      excluded,
      interval,
    },
  };
}

/** Scope from its text form or from structured entries (whose `line` is the 1-based entry index). */
export function parseScope(input: string | readonly ScopeEntry[]): ParseResult<Scope> {
  const collector = new IssueCollector();
  const networks: ScopeNetwork[] = [];
  const add = (result: ReturnType<typeof parseScopeToken>): void => {
    if ('issue' in result) collector.add(result.issue);
    else networks.push(result.network);
  };

  if (typeof input === 'string') {
    const tokens = tokenizeInput(input);
    for (const [index, { token, line }] of tokens.entries()) {
      if (collector.full) break;
      if (token.toLowerCase() === SENSITIVE_KEYWORD) {
        const previous = tokens[index - 1];
        if (
          previous === undefined ||
          previous.line !== line ||
          previous.token.toLowerCase() === SENSITIVE_KEYWORD
        ) {
          collector.add(tokenIssue('scope', token, line, 'must follow a network on the same line'));
        }
        continue;
      }
      const next = tokens[index + 1];
      const sensitive =
        next !== undefined && next.line === line && next.token.toLowerCase() === SENSITIVE_KEYWORD;
      add(parseScopeToken(token, line, sensitive));
    }
  } else {
    for (const [index, entry] of input.entries()) {
      if (collector.full) break;
      add(parseScopeToken(entry.network.trim(), index + 1, entry.sensitive === true));
    }
  }
  if (collector.issues.length > 0) return { ok: false, issues: collector.issues };

  const included = networks.filter((network) => !network.excluded);
  if (included.length === 0) {
    return { ok: false, issues: [fieldIssue('scope', 'at least one network is required')] };
  }
  const removed = mergeIntervals(
    networks.filter((network) => network.excluded).map((network) => network.interval),
  );
  const allowed = subtractIntervals(
    mergeIntervals(included.map((network) => network.interval)),
    removed,
  );
  if (allowed.length === 0) {
    return { ok: false, issues: [fieldIssue('scope', 'exclusions remove every network')] };
  }
  const sensitive = subtractIntervals(
    mergeIntervals(
      included.filter((network) => network.sensitive).map((network) => network.interval),
    ),
    removed,
  );
  return { ok: true, value: { networks, allowed, sensitive } };
}

export interface ScopeCheck {
  /** One `"<token>": outside scope` per target token with any address outside the scope. */
  issues: InputIssue[];
  /** Target tokens, as typed, that reach into a sensitive network. */
  sensitiveTokens: string[];
}

function targetIntervals(targets: TargetSet): AddressInterval[] {
  return [
    ...targets.ipv4.map((interval) => ({
      family: 4 as const,
      first: BigInt(interval.first),
      last: BigInt(interval.last),
    })),
    ...targets.ipv6.map((interval) => ({ family: 6 as const, ...interval })),
  ];
}

/**
 * Checks every address target against the scope, naming the input token of
 * each offender. Only the part of a token that survives the exclusions counts:
 * `10.0.0.0/24` with `!10.0.0.0/25` is fine in a scope of `10.0.0.128/25`.
 * Hostnames are not checked here; check their addresses once resolved.
 */
export function checkScope(targets: TargetSet, scope: Scope): ScopeCheck {
  const collector = new IssueCollector();
  const sensitiveTokens: string[] = [];
  const scanned = targetIntervals(targets);
  for (const source of targets.sources) {
    const parts = intersectInterval(scanned, source);
    if (!collector.full && parts.some((part) => !coversInterval(scope.allowed, part))) {
      collector.add(tokenIssue('targets', source.token, source.line, 'outside scope'));
    }
    if (parts.some((part) => intersectInterval(scope.sensitive, part).length > 0)) {
      sensitiveTokens.push(source.token);
    }
  }
  return { issues: collector.issues, sensitiveTokens: [...new Set(sensitiveTokens)] };
}

function addressInterval(address: string): AddressInterval | undefined {
  const parsed = parseAddress(address.trim());
  return parsed === undefined
    ? undefined
    : { family: parsed.family, first: parsed.value, last: parsed.value };
}

/** The post-resolution check for hostnames: false for anything that is not an address literal. */
export function isAddressInScope(address: string, scope: Scope): boolean {
  const interval = addressInterval(address);
  return interval !== undefined && coversInterval(scope.allowed, interval);
}

/** Whether a resolved address lies in a network marked sensitive. */
export function isAddressSensitive(address: string, scope: Scope): boolean {
  const interval = addressInterval(address);
  return interval !== undefined && coversInterval(scope.sensitive, interval);
}
