import type { Page } from 'playwright-core';
import { connectSpectra, type SpectraClients } from '../../src/clients/service-clients';
import {
  startLoopbackLab,
  type LabDefinition,
  type LoopbackLab,
  type StartLabOptions,
} from '../../test/lab/loopback-lab';
import { SpectraApp } from '../pages/spectra-app';
import { launchBrowser } from './browser';
import { startSpectraServe, type SpectraServe } from './spectra-serve';

/** What every browser e2e file runs against: its own lab, host and browser. */
export interface SpectraSession {
  lab: LoopbackLab;
  serve: SpectraServe;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  /** The first tab, opened on nothing yet. */
  page: Page;
  /** The page object on `page`, at the host's UI address. */
  app: SpectraApp;
  /** The typed service clients, asked from Node straight at the ingress (not through the UI). */
  services(): SpectraClients;
  /** Closes the browser, stops the host (and removes its data dir), then closes the lab. */
  close(): Promise<void>;
}

/**
 * Starts the loopback lab, `spectra serve` with the browser UI, and Debian's
 * Chromium with one page. Whatever started is closed again if a later part
 * fails, and `close` closes every part even when one of them throws.
 */
export async function startSpectraSession(options: {
  lab: LabDefinition;
  labOptions?: StartLabOptions;
}): Promise<SpectraSession> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    const failures: unknown[] = [];
    while (closers.length) await closers.pop()!().catch((error: unknown) => failures.push(error));
    if (failures.length) throw new AggregateError(failures, 'closing the e2e session failed');
  };
  try {
    const lab = await startLoopbackLab(options.lab, options.labOptions);
    closers.push(() => lab.close());
    const serve = await startSpectraServe();
    closers.push(() => serve.stop());
    const browser = await launchBrowser();
    closers.push(() => browser.close());
    const page = await browser.context.newPage();
    return {
      lab,
      serve,
      browser,
      page,
      app: new SpectraApp(page, serve.uiUrl),
      services: () => connectSpectra(serve.ingress),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
