/**
 * Where a JSON text stops being JSON. `JSON.parse` in current V8 often says
 * only `Unexpected token 'x', "...snippet..." is not valid JSON` with no
 * position, so after it fails this scanner walks the text again to give the
 * analyst a line and column they can open in an editor.
 */
export interface JsonSyntaxErrorLocation {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units like editors count. */
  readonly column: number;
  readonly offset: number;
  readonly reason: string;
}

/** Nesting deeper than this is refused rather than risking the call stack. */
const MAX_DEPTH = 1_000;

class ScanError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

class JsonScanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  scanDocument(): void {
    this.skipWhitespace();
    this.scanValue(0);
    this.skipWhitespace();
    if (this.offset < this.text.length) this.fail('unexpected content after the JSON value');
  }

  private fail(reason: string): never {
    throw new ScanError(this.offset, reason);
  }

  private describeHere(): string {
    if (this.offset >= this.text.length) return 'unexpected end of file (truncated?)';
    return `unexpected character ${JSON.stringify(this.text[this.offset])}`;
  }

  private skipWhitespace(): void {
    while (this.offset < this.text.length) {
      const character = this.text.charCodeAt(this.offset);
      if (character !== 0x20 && character !== 0x0a && character !== 0x0d && character !== 0x09) {
        return;
      }
      this.offset += 1;
    }
  }

  private scanValue(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const character = this.text[this.offset];
    if (character === '{') this.scanObject(depth);
    else if (character === '[') this.scanArray(depth);
    else if (character === '"') this.scanString();
    else if (
      character === '-' ||
      (character !== undefined && character >= '0' && character <= '9')
    ) {
      this.scanNumber();
    } else if (this.text.startsWith('true', this.offset)) this.offset += 4;
    else if (this.text.startsWith('false', this.offset)) this.offset += 5;
    else if (this.text.startsWith('null', this.offset)) this.offset += 4;
    else this.fail(`${this.describeHere()}, expected a value`);
  }

  private scanObject(depth: number): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset += 1;
      return;
    }
    for (;;) {
      if (this.text[this.offset] !== '"')
        this.fail(`${this.describeHere()}, expected a property name`);
      this.scanString();
      this.skipWhitespace();
      if (this.text[this.offset] !== ':') this.fail(`${this.describeHere()}, expected ':'`);
      this.offset += 1;
      this.skipWhitespace();
      this.scanValue(depth + 1);
      this.skipWhitespace();
      const next = this.text[this.offset];
      if (next === '}') {
        this.offset += 1;
        return;
      }
      if (next !== ',') this.fail(`${this.describeHere()}, expected ',' or '}'`);
      this.offset += 1;
      this.skipWhitespace();
    }
  }

  private scanArray(depth: number): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset += 1;
      return;
    }
    for (;;) {
      this.scanValue(depth + 1);
      this.skipWhitespace();
      const next = this.text[this.offset];
      if (next === ']') {
        this.offset += 1;
        return;
      }
      if (next !== ',') this.fail(`${this.describeHere()}, expected ',' or ']'`);
      this.offset += 1;
      this.skipWhitespace();
    }
  }

  private scanString(): void {
    this.offset += 1;
    while (this.offset < this.text.length) {
      const character = this.text.charCodeAt(this.offset);
      if (character === 0x22) {
        this.offset += 1;
        return;
      }
      if (character < 0x20) this.fail('control character inside a string');
      if (character === 0x5c) {
        const escape = this.text[this.offset + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6))) {
            this.fail('invalid \\u escape');
          }
          this.offset += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail('invalid escape');
        this.offset += 2;
        continue;
      }
      this.offset += 1;
    }
    this.fail('unexpected end of file inside a string (truncated?)');
  }

  private scanNumber(): void {
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.offset;
    const found = match.exec(this.text);
    if (!found || found[0] === '-' || found[0].length === 0) this.fail('invalid number');
    this.offset += found[0].length;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function locateJsonSyntaxError(text: string): JsonSyntaxErrorLocation | undefined {
  try {
    new JsonScanner(text).scanDocument();
    return undefined;
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    return { ...lineAndColumn(text, error.offset), offset: error.offset, reason: error.reason };
  }
}
