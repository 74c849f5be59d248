/**
 * Resolves at the first SIGINT or SIGTERM. The listeners stay registered
 * afterwards on purpose: execa's exit cleanup re-raises a signal nobody
 * listens to, which would kill the process before its children are stopped.
 */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) return;
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
