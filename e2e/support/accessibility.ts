import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from './spectra-serve';

/** axe-core's own bundle, evaluated in the page (DevTools evaluation is not subject to the app's CSP). */
const AXE_SOURCE = readFileSync(
  join(PROJECT_ROOT, 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8',
);

export type ColorScheme = 'light' | 'dark';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** CSS selectors of the first few offending nodes, to find them quickly. */
  targets: string[];
}

export interface ScreenAudit {
  screen: string;
  scheme: ColorScheme;
  violations: AxeViolation[];
}

/** The violations that fail the suite (axe-core's two top impact levels). */
export function blocking(audit: ScreenAudit): AxeViolation[] {
  return audit.violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules plus best practices) on the page as it
 * is now, once per colour scheme, and puts the scheme back to light afterwards.
 */
export async function auditScreen(page: Page, screen: string): Promise<ScreenAudit[]> {
  const audits: ScreenAudit[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const loaded = await page.evaluate(() => 'axe' in globalThis);
    if (!loaded) await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: {
            run(
              context: unknown,
              options: unknown,
            ): Promise<{
              violations: Array<{
                id: string;
                impact: string | null;
                help: string;
                nodes: Array<{
                  target: unknown[];
                  any: Array<{
                    data?: { fgColor?: string; bgColor?: string; contrastRatio?: number } | null;
                  }>;
                }>;
              }>;
            }>;
          };
        }
      ).axe;
      const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
        runOnly: {
          type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
        },
        resultTypes: ['violations'],
      });
      return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.slice(0, 3).map((node) => {
          // Contrast failures name their colours and ratio, so the fix is obvious.
          const data = node.any[0]?.data;
          const colours =
            data && data.contrastRatio !== undefined
              ? ` (${data.fgColor} on ${data.bgColor}: ${data.contrastRatio}:1)`
              : '';
          return `${node.target.join(' ')}${colours}`;
        }),
      }));
    });
    audits.push({ screen, scheme, violations });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return audits;
}

/** One line per screen and scheme: counts by impact, then each rule id. */
export function describeAudits(audits: readonly ScreenAudit[]): string {
  return audits
    .map((audit) => {
      const byImpact = new Map<string, number>();
      for (const violation of audit.violations)
        byImpact.set(
          violation.impact ?? 'none',
          (byImpact.get(violation.impact ?? 'none') ?? 0) + 1,
        );
      const counts = [...byImpact].map(([impact, count]) => `${impact} ${count}`).join(', ');
      const rules = audit.violations
        .map((violation) => `${violation.id}(${violation.impact})`)
        .join(' ');
      return `${audit.screen} [${audit.scheme}]: ${counts || 'none'} ${rules}`;
    })
    .join('\n');
}
