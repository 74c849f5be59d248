import { describe, expect, it } from 'vitest';
import { versionOfDeploymentUri } from './stale-invocations.js';

describe('versionOfDeploymentUri', () => {
  it('reads the app version from the deployment path the host registers', () => {
    expect(versionOfDeploymentUri('http://127.0.0.1:9080/v1.0.0-0123456789/')).toBe('1.0.0');
    expect(versionOfDeploymentUri('http://127.0.0.1:9080/v0.2.0-rc.1-abcdef0123/')).toBe(
      '0.2.0-rc.1',
    );
  });

  it('names a deployment it does not recognise by its path', () => {
    expect(versionOfDeploymentUri('http://127.0.0.1:9080/')).toBe('/');
    expect(versionOfDeploymentUri(undefined)).toBe('an unknown version');
  });
});
