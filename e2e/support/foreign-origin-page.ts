import http from 'node:http';
import { SERVICE_NAMES } from '../../src/shared/service-contracts';

export interface ForeignSite {
  url: string;
  close(): Promise<void>;
}

/**
 * A page on another loopback origin that tries to start a campaign through
 * the UI server's proxy the ways a hostile web page could: a simple
 * `no-cors` fetch (no preflight), a JSON fetch with a guessed token (needs a
 * preflight), and an auto-submitted form posting JSON-looking text. It sets
 * `window.attemptsDone` when all three are over.
 */
export async function startForeignSite(uiUrl: string, request: unknown): Promise<ForeignSite> {
  const target = `${uiUrl}/ingress/${SERVICE_NAMES.campaigns}/submit`;
  const body = JSON.stringify(request);
  const script = `
    const results = [];
    const target = ${JSON.stringify(target)};
    const body = ${JSON.stringify(body)};
    const attempt = (name, run) => run().then(
      (answer) => results.push(name + ': ' + (answer && answer.type === 'opaque' ? 'opaque' : answer.status)),
      (error) => results.push(name + ': blocked (' + error.message + ')'));
    const formPosted = new Promise((resolve) => {
      const frame = document.getElementById('sink');
      frame.addEventListener('load', () => resolve(), { once: true });
      document.getElementById('forged').submit();
    });
    Promise.all([
      attempt('no-cors fetch', () => fetch(target, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body })),
      attempt('cors fetch', () => fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', 'x-spectra-token': 'guess', 'idempotency-key': 'evil' }, body })),
      formPosted.then(() => results.push('form post: done')),
    ]).then(() => { window.attemptResults = results; window.attemptsDone = true; });
  `;
  const page = `<!doctype html><html><head><title>not Spectra</title></head><body>
    <iframe name="sink" id="sink"></iframe>
    <form id="forged" method="POST" action="${target}" enctype="text/plain" target="sink">
      <input type="hidden" name='${body.slice(0, -1).replaceAll("'", '&#39;')},"pad":"' value='"}'>
    </form>
    <script src="/attack.js"></script></body></html>`;
  const server = http.createServer((request, response) => {
    if (request.url === '/attack.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(script);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
