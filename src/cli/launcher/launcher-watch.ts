/**
 * Set in a child's environment (child-with-parent-death.ts): the pid of the
 * launcher it must not outlive. Here, so every command's process can read it
 * without loading child_process.
 */
export const LAUNCHER_PID_VARIABLE = 'SPECTRA_LAUNCHER_PID';

/**
 * In a process the launcher started: when the launcher is gone (our parent
 * pid changes: we were re-parented), stop as if told to by SIGTERM, so `serve`
 * stops restate-server cleanly. On Linux the kernel's parent-death signal
 * usually gets there first; this covers platforms without one and the moment
 * between fork and setpriv's prctl.
 */
export function stopWhenLauncherExits(intervalMs = 500): void {
  const launcherPid = Number(process.env[LAUNCHER_PID_VARIABLE]);
  // Children of ours must not inherit the watch meant for us.
  delete process.env[LAUNCHER_PID_VARIABLE];
  if (!Number.isInteger(launcherPid) || launcherPid <= 0) return;
  const check = () => {
    if (process.ppid !== launcherPid) {
      clearInterval(timer);
      process.kill(process.pid, 'SIGTERM');
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  check();
}
