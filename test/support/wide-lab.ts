import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./wide-lab-process.ts', import.meta.url));

export interface WideLab {
  /** Connections accepted per `host:port`, over every part. */
  counts(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/** One lab process per host range (see wide-lab-process.ts), all ports of `ports` on each host. */
export async function startWideLab(options: {
  hostRanges: Array<[string, string]>;
  ports: [number, number];
  bannerBytes: number;
}): Promise<WideLab> {
  const children: ChildProcess[] = [];
  const ask = <T>(child: ChildProcess, message: string): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (answer) => resolve(answer as T));
      child.send(message);
    });
  try {
    for (const [first, last] of options.hostRanges) {
      const child = fork(
        SCRIPT,
        [
          first,
          last,
          String(options.ports[0]),
          String(options.ports[1]),
          String(options.bannerBytes),
        ],
        { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      );
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`wide lab ${first}-${last} exited ${code}`)));
      });
    }
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    throw error;
  }
  return {
    async counts() {
      const merged = new Map<string, number>();
      for (const child of children) {
        const { counts } = await ask<{ counts: Record<string, number> }>(child, 'counts');
        for (const [key, value] of Object.entries(counts)) merged.set(key, value);
      }
      return merged;
    },
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.send('close');
              setTimeout(() => child.kill('SIGKILL'), 5000).unref();
            }),
        ),
      );
    },
  };
}
