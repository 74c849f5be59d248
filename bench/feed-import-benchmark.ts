/**
 * Feed import and matching figures: generates an NVD CVE JSON 2.0 feed of
 * 200,000 CVEs (about the size of several yearly files together), imports
 * it with `importFeedFile` in a child process (so its peak RSS is the
 * import's own), loads the knowledge base and matches generated observations.
 * Prints the figures and writes them as JSON to bench-results/.
 *
 *     npm run bench:feeds [-- --cves 200000]
 */
import { execFileSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Observation } from '../src/shared/observation.js';
import {
  findProjectResourcesDir,
  importFeedFile,
  loadKnowledgeBase,
} from '../src/services/vulnerabilities/knowledge-base.js';
import { matchObservations } from '../src/services/vulnerabilities/vulnerability-matcher.js';

const PRODUCTS = 5_000;

function productOf(number: number): string {
  return `vendor${number % 1_000}:product${number % PRODUCTS}`;
}

/** One generated CVE in NVD's 2.0 shape: ranges and exact versions, v3.1 + v2 (every tenth v4.0 only). */
function generatedCve(number: number): object {
  const product = productOf(number);
  const minor = number % 30;
  const metrics =
    number % 10 === 0
      ? {
          cvssMetricV40: [
            {
              source: 'cna@example.org',
              type: 'Secondary',
              cvssData: {
                version: '4.0',
                vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
                baseScore: 9.3,
                baseSeverity: 'CRITICAL',
              },
            },
          ],
        }
      : {
          cvssMetricV31: [
            {
              source: 'nvd@nist.gov',
              type: 'Primary',
              cvssData: {
                version: '3.1',
                vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
                baseScore: 7.5,
                baseSeverity: 'HIGH',
              },
              exploitabilityScore: 3.9,
              impactScore: 3.6,
            },
          ],
          cvssMetricV2: [
            {
              source: 'nvd@nist.gov',
              type: 'Primary',
              cvssData: {
                version: '2.0',
                vectorString: 'AV:N/AC:L/Au:N/C:P/I:N/A:N',
                baseScore: 5,
              },
              baseSeverity: 'MEDIUM',
            },
          ],
        };
  return {
    cve: {
      id: `CVE-${2000 + (number % 25)}-${String(100_000 + number)}`,
      sourceIdentifier: 'cve@mitre.org',
      published: '2024-01-01T00:00:00.000',
      lastModified: '2025-01-01T00:00:00.000',
      vulnStatus: 'Analyzed',
      descriptions: [
        {
          lang: 'en',
          value: `Generated CVE ${number} for ${product}: a buffer overflow in the request parser allows remote attackers to cause a denial of service or possibly execute arbitrary code via a crafted request.`,
        },
      ],
      metrics,
      weaknesses: [
        {
          source: 'nvd@nist.gov',
          type: 'Primary',
          description: [{ lang: 'en', value: 'CWE-787' }],
        },
      ],
      configurations: [
        {
          nodes: [
            {
              operator: 'OR',
              negate: false,
              cpeMatch: [
                {
                  vulnerable: true,
                  criteria: `cpe:2.3:a:${product}:*:*:*:*:*:*:*:*`,
                  versionStartIncluding: `1.${minor}.0`,
                  versionEndExcluding: `1.${minor}.${5 + (number % 20)}`,
                  matchCriteriaId: '00000000-0000-4000-8000-000000000000',
                },
                {
                  vulnerable: true,
                  criteria: `cpe:2.3:a:${product}:2.${minor}.${number % 7}:*:*:*:*:*:*:*`,
                  matchCriteriaId: '00000000-0000-4000-8000-000000000001',
                },
                {
                  vulnerable: false,
                  criteria: 'cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*',
                  matchCriteriaId: '00000000-0000-4000-8000-000000000002',
                },
              ],
            },
          ],
        },
      ],
      references: [{ url: `https://example.org/advisory/${number}`, source: 'cve@mitre.org' }],
    },
  };
}

async function writeFeed(path: string, cves: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(
    `{"resultsPerPage":${cves},"startIndex":0,"totalResults":${cves},"format":"NVD_CVE","version":"2.0","timestamp":"2025-11-04T03:00:01.123","vulnerabilities":[\n`,
  );
  for (let number = 0; number < cves; number += 1) {
    await write(`${number ? ',\n' : ''}${JSON.stringify(generatedCve(number))}`);
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
}

/** Child mode: import one feed and report time and this process's peak RSS. */
async function importInChild(feedPath: string, knowledgeDir: string): Promise<void> {
  const started = performance.now();
  const summary = await importFeedFile(feedPath, knowledgeDir);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    JSON.stringify({
      seconds,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      cves: summary.cves,
      rules: summary.rulesAdded,
      products: summary.products,
    }) + '\n',
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === '--import') {
    await importInChild(process.argv[3]!, process.argv[4]!);
    return;
  }
  const cvesOption = process.argv.indexOf('--cves');
  const cves = cvesOption > 0 ? Number(process.argv[cvesOption + 1]) : 200_000;
  const work = mkdtempSync(join(tmpdir(), 'spectra-feed-bench-'));
  try {
    const feedPath = join(work, 'nvdcve-2.0-generated.json');
    let started = performance.now();
    await writeFeed(feedPath, cves);
    const feedMiB = statSync(feedPath).size / (1024 * 1024);
    console.log(
      `generated ${cves} CVEs: ${feedMiB.toFixed(0)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const knowledgeDir = join(work, 'knowledge');
    const child = JSON.parse(
      execFileSync(
        join(process.cwd(), 'node_modules/.bin/tsx'),
        [join(import.meta.dirname, 'feed-import-benchmark.ts'), '--import', feedPath, knowledgeDir],
        { encoding: 'utf8', maxBuffer: 1024 * 1024 },
      ),
    ) as { seconds: number; peakRssMiB: number; cves: number; rules: number; products: number };
    console.log(
      `import: ${child.cves} CVEs -> ${child.rules} rules for ${child.products} products in ${child.seconds.toFixed(1)} s, peak RSS ${child.peakRssMiB.toFixed(0)} MiB (${((feedMiB * 1024 * 1024) / child.seconds / 1e6).toFixed(0)} MB/s)`,
    );

    started = performance.now();
    const knowledge = await loadKnowledgeBase({
      resourcesDir: findProjectResourcesDir(),
      knowledgeDir,
    });
    const loadSeconds = (performance.now() - started) / 1000;
    const loadRssMiB = process.memoryUsage().rss / (1024 * 1024);
    console.log(
      `load + index: ${knowledge.rules.length} rules in ${loadSeconds.toFixed(1)} s, RSS ${loadRssMiB.toFixed(0)} MiB`,
    );

    const observations: Observation[] = [];
    for (let number = 0; number < 100_000; number += 1) {
      const product = productOf(number * 7919);
      observations.push({
        host: `10.${(number >> 16) & 255}.${(number >> 8) & 255}.${number & 255}`,
        port: 80,
        protocol: 'tcp',
        state: 'open',
        product: product.split(':')[1]!,
        version: `${1 + (number % 2)}.${number % 30}.${number % 25}`,
        cpe: `cpe:2.3:a:${product}:*:*:*:*:*:*:*:*`,
        engine: 'nmap',
        observedAt: '2026-11-30T00:00:00.000Z',
      });
    }
    started = performance.now();
    const findings = matchObservations(observations, knowledge.index);
    const matchMilliseconds = performance.now() - started;
    const perObservation = (matchMilliseconds * 1000) / observations.length;
    const perFinding = findings.length ? (matchMilliseconds * 1000) / findings.length : 0;
    console.log(
      `matching: ${observations.length} observations -> ${findings.length} findings in ${matchMilliseconds.toFixed(0)} ms (${perObservation.toFixed(2)} µs per observation, ${perFinding.toFixed(2)} µs per finding)`,
    );

    const directory = join(process.cwd(), 'bench-results');
    mkdirSync(directory, { recursive: true });
    const file = join(directory, `feeds-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          feed: { cves, mebibytes: feedMiB },
          import: child,
          load: { seconds: loadSeconds, rules: knowledge.rules.length, rssMiB: loadRssMiB },
          matching: {
            observations: observations.length,
            findings: findings.length,
            milliseconds: matchMilliseconds,
            microsecondsPerObservation: perObservation,
            microsecondsPerFinding: perFinding,
          },
        },
        null,
        2,
      ) + '\n',
    );
    console.log(`figures written to ${file}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
