import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { electronEnvironment, missingBuildOutputs, PROJECT_ROOT } from './electron-environment.js';

const { binary, skipReason } = electronEnvironment();
if (skipReason) console.warn(`e2e-electron skipped: ${skipReason}`);

interface PageShell {
  content: string | null;
  backend: string | null;
  token: string | null;
}

describe('Electron shell', () => {
  let dataDir: string;
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    if (skipReason) return;
    const missing = missingBuildOutputs();
    if (missing.length) {
      throw new Error(
        `build the app first (npx electron-vite build): missing ${missing.join(', ')}`,
      );
    }
    dataDir = mkdtempSync(join(tmpdir(), 'spectra-electron-e2e-'));
    app = await _electron.launch({
      executablePath: binary,
      // Chromium refuses to run as root with its OS sandbox; the renderer's own
      // sandbox (sandbox: true, contextIsolation) is still in force.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), PROJECT_ROOT],
      cwd: PROJECT_ROOT,
      env: { ...process.env, SPECTRA_USER_DATA_DIR: dataDir, ELECTRON_RENDERER_URL: '' },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  beforeEach((context) => {
    context.skip(skipReason !== undefined, skipReason);
  });

  afterAll(async () => {
    if (skipReason) return;
    await app?.close().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const shellOf = (target: Page) =>
    target.evaluate<PageShell>(() => {
      const meta = document.querySelector('meta[name="spectra-shell"]');
      return {
        content: meta?.getAttribute('content') ?? null,
        backend: meta?.getAttribute('data-backend') ?? null,
        token: meta?.getAttribute('data-token') ?? null,
      };
    });

  it('loads the renderer from app://spectra with the electron shell announced', async () => {
    expect(page.url()).toMatch(/^app:\/\/spectra\//);
    await page.waitForSelector('#root > *');
    const shell = await shellOf(page);
    expect(shell.content).toBe('electron');
    expect(shell.backend).toBe('/ingress');
    expect(shell.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('sends the strict CSP as a response header', async () => {
    const policy = await page.evaluate(async () =>
      (await fetch('/')).headers.get('content-security-policy'),
    );
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self';");
  });

  it('gives the page no Node and only the narrow bridge', async () => {
    const exposed = await page.evaluate(() => {
      const scope = globalThis as unknown as Record<string, unknown>;
      const bridge = scope.spectraDesktop as Record<string, unknown> | undefined;
      return {
        require: typeof scope.require,
        process: typeof scope.process,
        bridgeKeys: bridge ? Object.keys(bridge).sort() : [],
        shell: bridge?.shell,
      };
    });
    expect(exposed).toEqual({
      require: 'undefined',
      process: 'undefined',
      bridgeKeys: ['notify', 'onServerState', 'shell'],
      shell: 'electron',
    });
  });

  it('answers the backend on the same origin once the host is ready', async () => {
    const { token } = await shellOf(page);
    await expect
      .poll(
        () =>
          page.evaluate(
            async (sessionToken) =>
              (await fetch('/api/health', { headers: { 'x-spectra-token': sessionToken } })).json(),
            token!,
          ),
        { timeout: 60_000, interval: 250 },
      )
      .toEqual({ serverState: 'ready' });

    const runtime = await page.evaluate(async (sessionToken) => {
      const response = await fetch('/ingress/Diagnostics/runtime', {
        method: 'POST',
        headers: { 'x-spectra-token': sessionToken, 'content-type': 'application/json' },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }, token!);
    expect(runtime.status).toBe(200);
    // The services run inside Electron's own Node.
    expect(runtime.body.electronVersion).toEqual(expect.any(String));
  });

  it('refuses backend calls without the session token', async () => {
    const status = await page.evaluate(async () => (await fetch('/api/health')).status);
    expect(status).toBe(403);
  });

  it('pushes the server state through the bridge', async () => {
    const state = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const bridge = (
            globalThis as unknown as {
              spectraDesktop: { onServerState(listener: (state: string) => void): () => void };
            }
          ).spectraDesktop;
          const unsubscribe = bridge.onServerState((current) => {
            unsubscribe();
            resolve(current);
          });
        }),
    );
    expect(state).toBe('ready');
  });

  it('validates notify payloads in main', async () => {
    const outcome = await page.evaluate(async () => {
      const bridge = (
        globalThis as unknown as { spectraDesktop: { notify(request: unknown): Promise<void> } }
      ).spectraDesktop;
      await bridge.notify({ title: 'Approval needed', body: 'Deep scan of 127.10.0.5' });
      try {
        await bridge.notify({ title: '', body: 'x' });
        return 'accepted';
      } catch (error) {
        return String(error);
      }
    });
    expect(outcome).toContain('invalid payload');
  });

  it('refuses window.open and requests off the app', async () => {
    const outcome = await page.evaluate(async () => {
      const opened = window.open('https://example.com/');
      let fetched = 'blocked';
      try {
        await fetch('https://example.com/');
        fetched = 'reached';
      } catch {
        // refused by the CSP and the session's request filter
      }
      return { opened: opened === null ? 'refused' : 'opened', fetched };
    });
    expect(outcome).toEqual({ opened: 'refused', fetched: 'blocked' });
    expect(app.windows()).toHaveLength(1);
  });

  it('stops restate-server when the app quits', async () => {
    const hostInfo = JSON.parse(readFileSync(join(dataDir, 'host.json'), 'utf8')) as {
      pid: number;
    };
    const serverPid = Number(readFileSync(join(dataDir, 'restate-server.pid'), 'utf8').trim());
    expect(hostInfo.pid).toBeGreaterThan(0);
    await app.close();
    expect(existsSync(join(dataDir, 'host.json'))).toBe(false);
    expect(isAlive(serverPid)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
