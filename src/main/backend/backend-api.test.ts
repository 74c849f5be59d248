import { describe, expect, it } from 'vitest';
import { upstreamIngressUrl } from './backend-api.js';

describe('upstreamIngressUrl', () => {
  it('maps /ingress/<rest>?query onto the ingress base', () => {
    const target = upstreamIngressUrl(
      'http://localhost',
      new URL('http://127.0.0.1:5000/ingress/Campaigns/submit?x=1'),
    );
    expect(target.href).toBe('http://localhost/Campaigns/submit?x=1');
  });

  it('keeps `//user@host/...` a path: never credentials, never another host', () => {
    for (const path of [
      '/ingress//user:pass@evil.example/x',
      '/ingress//evil.example:80/x',
      '/ingress/@evil.example/x',
      '/ingress/..//evil.example/x',
    ]) {
      const target = upstreamIngressUrl(
        'http://localhost',
        new URL(`http://127.0.0.1:5000${path}`),
      );
      expect(target.host, path).toBe('localhost');
      expect(target.username, path).toBe('');
      expect(target.password, path).toBe('');
    }
  });
});
