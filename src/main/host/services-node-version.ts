/**
 * The Node.js the services run on: the one the package supports (engines in
 * package.json). @restatedev/restate-sdk 1.17 calls Promise.withResolvers
 * (ES2024, Node >= 22); without it every invocation fails and is retried
 * forever. That is the only newer API its dist calls (grep of dist/, 1.17.x:
 * promises.js), so the services provide it where it is missing
 * (provideServicesRuntime) and every command runs in the process that started
 * it, on whichever Node that is: `node bin/spectra.mjs` on a system Node 20
 * works. bin/spectra still prefers the project's Node 22, which runs the
 * services faster (see its comments).
 */
export const SERVICES_MIN_NODE = { major: 20, minor: 19 } as const;

/** Whether this Node (or the given version) can run the services: the one place that holds the rule. */
export function nodeCanRunServices(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return (
    major > SERVICES_MIN_NODE.major ||
    (major === SERVICES_MIN_NODE.major && minor >= SERVICES_MIN_NODE.minor)
  );
}

/** Refuses to start the services on an older Node, with one line that says what to do. */
export function assertNodeCanRunServices(version: string = process.versions.node): void {
  if (nodeCanRunServices(version)) return;
  throw new Error(
    `the services need Node.js >= ${SERVICES_MIN_NODE.major}.${SERVICES_MIN_NODE.minor} and this is ${version}; install a newer Node.js`,
  );
}

interface PromiseWithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

/**
 * Gives this process what the Restate SDK needs of a newer Node: Promise.withResolvers,
 * as ES2024 defines it (a method of the constructor it is called on, writable
 * and configurable, not enumerable). Does nothing where Node has it.
 */
export function provideServicesRuntime(): void {
  if (typeof (Promise as { withResolvers?: unknown }).withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    value: function withResolvers<T>(this: PromiseConstructor): PromiseWithResolvers<T> {
      let resolve!: PromiseWithResolvers<T>['resolve'];
      let reject!: PromiseWithResolvers<T>['reject'];
      const promise = new this<T>((resolveWith, rejectWith) => {
        resolve = resolveWith;
        reject = rejectWith;
      });
      return { promise, resolve, reject };
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
