import { describe, expect, it } from 'vitest';
import { restateServerCommand } from './restate-server-command.js';

describe('restateServerCommand', () => {
  const input = {
    binary: '/opt/with space/restate-server',
    configFile: "/data/it's/restate-server.toml",
    offlineResolvConf: '/data/restate/offline-resolv.conf',
    offlineHosts: '/data/restate/offline-hosts',
  };

  it('sets umask 077 and passes paths as arguments, never through the shell text', () => {
    const { args, command } = restateServerCommand(input);
    const full = [command, ...args];
    const script = full[full.indexOf('-c') + 1]!;
    expect(script).toMatch(/^umask 077 && /);
    expect(script).toContain('exec "$0" "$@"');
    expect(script).not.toContain(input.binary);
    expect(script).not.toContain(input.configFile);
    expect(full.slice(-3)).toEqual([input.binary, '--config-file', input.configFile]);
  });

  it('on Linux, keeps the parent-death signal outermost', () => {
    const { command, parentDeathSignal, offlineResolver, args } = restateServerCommand(input);
    if (parentDeathSignal)
      expect([command, ...args].slice(0, 4)).toEqual([
        '/usr/bin/setpriv',
        '--pdeathsig',
        'SIGKILL',
        '--',
      ]);
    if (offlineResolver) expect(args).toContain('/usr/bin/unshare');
  });
});
