import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { withParentDeathSignal } from './parent-death-signal.js';

/** How restate-server is started: the command line plus what it guarantees. */
export interface RestateServerCommand {
  command: string;
  args: string[];
  /** The kernel SIGKILLs the server when the host dies (Linux, setpriv). */
  parentDeathSignal: boolean;
  /** The server sees a resolver and hosts file that point only at loopback. */
  offlineResolver: boolean;
}

export interface RestateServerCommandInput {
  binary: string;
  configFile: string;
  /** Files put over /etc/resolv.conf and /etc/hosts inside the server's own mount namespace. */
  offlineResolvConf: string;
  offlineHosts: string;
}

/**
 * restate-server 1.7 asks api.github.com for its latest release at every start
 * (log target `octocrab`), whatever `disable-telemetry` says, and no setting
 * turns that off (none in `--dump-config`; DO_NOT_TRACK, `--production` and
 * proxy variables do not either). So, where the kernel allows an unprivileged
 * mount namespace (`unshare -rm`), the server runs in one where
 * /etc/resolv.conf names only 127.0.0.1 and /etc/hosts maps api.github.com to
 * 127.0.0.1: the check fails on loopback, and nothing leaves the machine. The
 * network namespace is the host's, so the server still reaches the services
 * endpoint on 127.0.0.1.
 *
 * Every variant sets umask 077 first, so the journal and the sockets the
 * server creates are its owner's only.
 */
export function restateServerCommand(input: RestateServerCommandInput): RestateServerCommand {
  const umask = '077';
  const offlineResolver = process.platform === 'linux' && canUseMountNamespace();
  // $0 is the binary and "$@" its arguments: no path is ever parsed by the shell.
  const script = offlineResolver
    ? [
        `umask ${umask}`,
        'mount --bind "$SPECTRA_RESOLV_CONF" /etc/resolv.conf',
        'mount --bind "$SPECTRA_HOSTS" /etc/hosts',
        'exec "$0" "$@"',
      ].join(' && ')
    : `umask ${umask} && exec "$0" "$@"`;
  const shell = ['/bin/sh', '-c', script, input.binary, '--config-file', input.configFile];
  const namespaced = offlineResolver
    ? ['/usr/bin/unshare', '--user', '--map-root-user', '--mount', '--', ...shell]
    : shell;
  const { commandLine: full, parentDeathSignal } = withParentDeathSignal(namespaced);
  return { command: full[0]!, args: full.slice(1), parentDeathSignal, offlineResolver };
}

/**
 * restate-server's allocator (jemalloc, which reads MALLOC_CONF) for a desktop:
 * one arena instead of four per core, and freed pages returned to the kernel
 * by a background thread within a second instead of kept for the next burst.
 * Idle RSS after a campaign 155-158 -> 152-153 MB, thread caches kept (without
 * them and with immediate purging it was ~8 MB less, and campaigns ~10% slower).
 */
export const RESTATE_SERVER_MALLOC_CONF =
  'narenas:1,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0';

/** The environment the command above needs on top of the server's own. */
export function restateServerCommandEnvironment(
  input: RestateServerCommandInput,
): Record<string, string> {
  return {
    SPECTRA_RESOLV_CONF: input.offlineResolvConf,
    SPECTRA_HOSTS: input.offlineHosts,
    MALLOC_CONF: RESTATE_SERVER_MALLOC_CONF,
  };
}

/** Loopback-only resolver files for the server's mount namespace. */
export const OFFLINE_RESOLV_CONF =
  '# Written by Spectra-Red: restate-server resolves names only on loopback.\n' +
  'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n';
export const OFFLINE_HOSTS =
  '# Written by Spectra-Red: restate-server resolves names only on loopback.\n' +
  '127.0.0.1 localhost api.github.com\n::1 localhost\n';

let mountNamespaceUsable: boolean | undefined;

/** Probed once per process: user namespaces may be disabled (sysctl, AppArmor, containers). */
function canUseMountNamespace(): boolean {
  if (mountNamespaceUsable !== undefined) return mountNamespaceUsable;
  if (!existsSync('/usr/bin/unshare') || !existsSync('/etc/resolv.conf')) {
    return (mountNamespaceUsable = false);
  }
  const probe = spawnSync(
    '/usr/bin/unshare',
    [
      '--user',
      '--map-root-user',
      '--mount',
      '--',
      '/bin/sh',
      '-c',
      'mount --bind /dev/null /etc/hosts',
    ],
    { stdio: 'ignore', timeout: 5_000 },
  );
  return (mountNamespaceUsable = probe.status === 0);
}
