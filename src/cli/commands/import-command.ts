import { jsonForTerminal } from '../terminal-text.js';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_IMPORT_BYTES, type NmapImportResult } from '../../shared/interop.js';
import { randomUUID } from 'node:crypto';
import { callOptions, spectraClients } from '../../clients/service-clients.js';
import { CliError } from '../cli-error.js';
import { stringOption, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import {
  describeIngressError,
  HostDidNotAnswer,
  waitForAnswer,
  withHost,
} from '../host-connection.js';

/** How long `spectra import` waits for the host to finish an import. */
const IMPORT_WAIT_MS = 10 * 60_000;

async function readInput(path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_IMPORT_BYTES)
        throw new CliError('import: stdin: larger than 24 MiB (nothing was imported)');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_IMPORT_BYTES)
      throw new CliError(`import: ${path}: larger than 24 MiB (nothing was imported)`);
    return bytes.toString('utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `import: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

export const importCommand: Command = {
  name: 'import',
  usage: `spectra import nmap FILE.xml|- [--name NAME] [--json]

The file is checked whole (nmap.dtd structure, required attributes, values)
and refused with the line and element of the first problem; nothing is
half-imported. DOCTYPEs with entities are refused. Importing the same file
twice adds nothing. Imports scan nothing, so they need no scope or approval.`,
  options: { name: { type: 'string' }, json: { type: 'boolean' } },
  positionals: ['FORMAT', 'FILE'],
  async run(parsed) {
    // The XML parser loads with this command only, not with every command.
    const { NmapImportError, parseNmapXmlForImport } = await import(
      '../../services/interop/nmap-xml-import.js'
    );
    const [format, path] = parsed.positionals;
    if (format !== 'nmap')
      throw new CliError('import: expected "nmap" (spectra import nmap FILE.xml)', 2);
    if (!path) throw new CliError('import: FILE is required ("-" reads stdin)', 2);
    const xml = await readInput(path);
    const sourceName = path === '-' ? 'stdin' : basename(path);
    // Checked here first so a bad file is refused before any host starts; the service checks again.
    try {
      parseNmapXmlForImport(xml);
    } catch (error) {
      if (error instanceof NmapImportError)
        throw new CliError(`import: ${sourceName}: ${error.message} (nothing was imported)`);
      throw error;
    }
    const request = { xml, name: stringOption(parsed, 'name'), sourceName };
    const result: NmapImportResult = await withHost(resolveDataDir(parsed), async ({ ingress }) => {
      // A large file takes longer than one request may wait (45,000 hosts with their
      // CVEs: about a minute). The same idempotency key makes each call after a
      // timed-out one wait for the same import instead of starting another.
      const options = callOptions<typeof request, NmapImportResult>({
        idempotencyKey: randomUUID(),
      });
      try {
        return await waitForAnswer(
          () => spectraClients(ingress).imports().nmapXml(request, options),
          IMPORT_WAIT_MS,
        );
      } catch (error) {
        if (error instanceof HostDidNotAnswer)
          throw new CliError(
            `import: ${sourceName}: still importing after ${IMPORT_WAIT_MS / 60_000} minutes; it goes on in the host (see spectra campaigns)`,
          );
        throw new CliError(`import: ${sourceName}: ${describeIngressError(error)}`);
      }
    });
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(result) + '\n');
      return;
    }
    process.stdout.write(
      result.alreadyImported
        ? `${result.campaignId}: already imported as "${result.name}", nothing changed\n`
        : `imported ${result.campaignId} "${result.name}" (${result.scanner}): ${result.hosts} hosts (${result.hostsUp} up), ${result.openPorts} open ports, ${result.findings} findings\n`,
    );
  },
};
