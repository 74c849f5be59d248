import { describe, expect, it } from 'vitest';
import { readShellConfig, ShellConfigMissing } from './shell-config';

function documentWith(attributes: Record<string, string> | undefined) {
  return {
    querySelector: () =>
      attributes === undefined
        ? null
        : ({ getAttribute: (name: string) => attributes[name] ?? null } as unknown as Element),
  };
}

describe('readShellConfig', () => {
  it('resolves the backend on the page origin and carries the token header', () => {
    const config = readShellConfig(
      documentWith({ content: 'browser', 'data-backend': '/ingress', 'data-token': 'secret' }),
      'http://127.0.0.1:4000/#/threats',
    );
    expect(config).toEqual({
      shell: 'browser',
      ingressUrl: 'http://127.0.0.1:4000/ingress',
      apiBase: 'http://127.0.0.1:4000',
      headers: { 'x-spectra-token': 'secret' },
    });
  });

  it('refuses a page the shell did not announce', () => {
    expect(() => readShellConfig(documentWith(undefined), 'http://127.0.0.1:4000/')).toThrow(
      ShellConfigMissing,
    );
    expect(() =>
      readShellConfig(
        documentWith({ content: 'kiosk', 'data-backend': '/ingress', 'data-token': 't' }),
        'http://x/',
      ),
    ).toThrow(ShellConfigMissing);
  });
});
