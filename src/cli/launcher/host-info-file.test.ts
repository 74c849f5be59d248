import { describe, expect, it } from 'vitest';
import { dataDirLayout, defaultCliDataDir } from '../../main/host/data-dir.js';
import { hostInfoFileOf, launcherDataDir } from './host-info-file.js';

describe('the launcher’s zod-free view of the data dir', () => {
  it('names the same files as dataDirLayout', () => {
    const layout = dataDirLayout('/tmp/spectra-data');
    expect(hostInfoFileOf('/tmp/spectra-data')).toBe(layout.hostInfoFile);
  });

  it('finds --data-dir in both spellings and defaults like the CLI', () => {
    expect(launcherDataDir(['--no-ui', '--data-dir', '/a'])).toBe('/a');
    expect(launcherDataDir(['--data-dir=/b'])).toBe('/b');
    for (const environment of [{ XDG_DATA_HOME: '/xdg' }, {}]) {
      expect(launcherDataDir([], environment)).toBe(defaultCliDataDir(environment));
    }
  });
});
