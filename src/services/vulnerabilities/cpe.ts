/**
 * CPE names (NISTIR 7695, CPE Naming 2.3). nmap writes CPE 2.2 URIs
 * (`cpe:/a:openbsd:openssh:7.2p2`, percent-encoded, trailing fields left
 * out); NVD writes CPE 2.3 formatted strings
 * (`cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*`, `\`-escaped). Both are
 * unbound here into the same well-formed name (the attributes rules need),
 * with logical values ANY (`*`) and NA (`-`) kept as those characters and
 * every other value unescaped and lower-cased.
 */

/** A CPE's attributes up to `update`; the others (edition, language, ...) are never used for matching. */
export interface CpeName {
  /** `a` application, `o` operating system, `h` hardware. */
  readonly part: string;
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
  readonly update: string;
}

export const ANY = '*';
export const NOT_APPLICABLE = '-';

/** `vendor:product`, the key rules are indexed by. */
export function cpeProductKey(name: Pick<CpeName, 'vendor' | 'product'>): string {
  return `${name.vendor}:${name.product}`;
}

/**
 * Unbinds a CPE 2.2 URI (NISTIR 7695 section 6.1.3): an empty or missing
 * component is ANY, a lone `-` is NA, `%XX` are decoded (`%2F` is `/`,
 * `%2B` is `+`), `~`-packed editions keep only their first field. Undefined
 * when the text is not a `cpe:/` URI with a part of a, o or h.
 */
export function parseCpeUri(uri: string): CpeName | undefined {
  const text = uri.trim();
  if (!/^cpe:\/[aoh]?(?::|$)/i.test(text)) return undefined;
  const components = text.slice('cpe:/'.length).split(':');
  const decoded: string[] = [];
  for (const component of components.slice(0, 5)) {
    let value: string;
    try {
      value = decodeURIComponent(component);
    } catch {
      return undefined;
    }
    if (value === '') decoded.push(ANY);
    else if (value === NOT_APPLICABLE) decoded.push(NOT_APPLICABLE);
    else decoded.push(value.toLowerCase());
  }
  while (decoded.length < 5) decoded.push(ANY);
  const [part, vendor, product, version, update] = decoded as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (!['a', 'o', 'h'].includes(part)) return undefined;
  return { part, vendor, product, version, update };
}

/**
 * Unbinds a CPE 2.3 formatted string (NISTIR 7695 section 6.2.3):
 * 13 colon-separated fields, `\` quoting the next character. Undefined when
 * it is not one.
 */
export function parseCpe23(formatted: string): CpeName | undefined {
  // A quoted `\*` or `\-` is the character itself, not ANY or NA: only a lone unquoted one is logical.
  const fields: string[] = [];
  let current = '';
  for (let index = 0; index < formatted.length; index += 1) {
    const character = formatted[index]!;
    if (character === '\\' && index + 1 < formatted.length) {
      current += `\\${formatted[index + 1]}`;
      index += 1;
    } else if (character === ':') {
      fields.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  fields.push(current);
  if (fields.length !== 13 || fields[0] !== 'cpe' || fields[1] !== '2.3') return undefined;
  const [part, vendor, product, version, update] = fields
    .slice(2, 7)
    .map((field) =>
      field === '' || field === ANY
        ? ANY
        : field === NOT_APPLICABLE
          ? NOT_APPLICABLE
          : field.replace(/\\(.)/g, '$1').toLowerCase(),
    ) as [string, string, string, string, string];
  if (!['a', 'o', 'h'].includes(part)) return undefined;
  return { part, vendor, product, version, update };
}

/** Either binding; undefined for anything else. */
export function parseCpe(text: string): CpeName | undefined {
  return text.startsWith('cpe:2.3:') ? parseCpe23(text) : parseCpeUri(text);
}

function bindValue(value: string): string {
  if (value === ANY || value === NOT_APPLICABLE) return value;
  // Formatted-string binding quotes every character other than letters, digits, `_`, `-` and `.`.
  return value.replace(/[^A-Za-z0-9_.-]/g, (character) => `\\${character}`);
}

/** Binds a name to a CPE 2.3 formatted string, the form stored on observations and findings. */
export function formatCpe23(name: CpeName): string {
  const fields = [name.part, name.vendor, name.product, name.version, name.update].map(bindValue);
  return ['cpe', '2.3', ...fields, ANY, ANY, ANY, ANY, ANY, ANY].join(':');
}

/**
 * Binds a name to a CPE 2.2 URI (NISTIR 7695 section 6.1.2), the form nmap
 * writes in `<cpe>`: ANY is an empty component (trailing ones left out), NA
 * is `-`, other characters than letters, digits, `_`, `-` and `.` are
 * percent-encoded.
 */
export function formatCpeUri(name: CpeName): string {
  const components = [name.part, name.vendor, name.product, name.version, name.update].map(
    (value) =>
      value === ANY
        ? ''
        : value === NOT_APPLICABLE
          ? value
          : value.replace(
              /[^A-Za-z0-9_.-]/g,
              (character) =>
                '%' + character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'),
            ),
  );
  while (components.length > 1 && components[components.length - 1] === '') components.pop();
  return `cpe:/${components.join(':')}`;
}

/**
 * The version string a CPE's version and update stand for, in the form the
 * version comparison reads: NVD splits OpenSSH `7.2p2` into version `7.2`
 * and update `p2`, ProFTPD `1.3.6rc2` into `1.3.6` + `rc2`, and Jetty
 * `9.4.11.v20180605` into `9.4.11` + `20180605`. A word update is appended
 * as is, a numeric one after a dot. Undefined when the version is ANY or NA.
 */
export function cpeVersionString(name: Pick<CpeName, 'version' | 'update'>): string | undefined {
  if (name.version === ANY || name.version === NOT_APPLICABLE || name.version === '')
    return undefined;
  if (name.update === ANY || name.update === NOT_APPLICABLE || name.update === '') {
    return name.version;
  }
  return /^\d/.test(name.update)
    ? `${name.version}.${name.update}`
    : `${name.version}${name.update}`;
}
