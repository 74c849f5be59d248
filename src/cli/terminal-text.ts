/**
 * Makes text that came from the network, a feed or a user safe to print on
 * the analyst's terminal: every C0 control character (ESC, BEL, CR, LF, NUL,
 * ...), DEL, every C1 control (U+0080-U+009F, which some terminals read as
 * CSI/OSC) and the bidirectional overrides that reorder what is shown become
 * visible escapes such as `\x1b` or `\u202e`. So a banner or a campaign name
 * can neither change the window title (OSC), clear the screen (CSI), ring the
 * bell, rewrite the current line, nor start a fake line of its own.
 *
 * Human-readable output only: JSON output stays JSON (JSON.stringify escapes
 * control characters itself).
 */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, escapeCharacter);
}

// C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, line and paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `--json` output: JSON.stringify escapes U+0000-U+001F but leaves DEL, the C1
 * controls and the bidi overrides raw; they become `\uXXXX` here, which any
 * JSON parser reads back as the same string.
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    JSON_UNSAFE_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const JSON_UNSAFE_CHARACTERS = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
