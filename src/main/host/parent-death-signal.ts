import { existsSync } from 'node:fs';

/** util-linux's setpriv: the way to ask the kernel for a parent-death signal from outside the child. */
export const SETPRIV = '/usr/bin/setpriv';

/** Whether `withParentDeathSignal` can wrap a command here (Linux with setpriv). */
export function canUseParentDeathSignal(): boolean {
  return process.platform === 'linux' && existsSync(SETPRIV);
}

/**
 * `[command, ...args]` wrapped so that the kernel SIGKILLs the process when
 * this one dies, however it dies; unchanged where that is not possible.
 */
export function withParentDeathSignal(commandLine: string[]): {
  commandLine: string[];
  parentDeathSignal: boolean;
} {
  if (!canUseParentDeathSignal()) return { commandLine, parentDeathSignal: false };
  return {
    commandLine: [SETPRIV, '--pdeathsig', 'SIGKILL', '--', ...commandLine],
    parentDeathSignal: true,
  };
}
