import { afterEach, describe, expect, it } from 'vitest';
import { assertNodeCanRunServices, provideServicesRuntime } from './services-node-version.js';

describe('assertNodeCanRunServices', () => {
  it('accepts the Node versions the package supports and refuses older ones in one line', () => {
    expect(() => assertNodeCanRunServices('20.19.0')).not.toThrow();
    expect(() => assertNodeCanRunServices('20.20.2')).not.toThrow();
    expect(() => assertNodeCanRunServices('22.23.3')).not.toThrow();
    expect(() => assertNodeCanRunServices('24.0.0')).not.toThrow();
    expect(() => assertNodeCanRunServices('20.18.3')).toThrow(
      /^the services need Node.js >= 20.19 and this is 20.18.3; install a newer Node.js$/,
    );
    expect(() => assertNodeCanRunServices('18.20.0')).toThrow(/>= 20.19 and this is 18.20.0/);
  });
});

describe('provideServicesRuntime', () => {
  const promiseStatics = Promise as unknown as Record<string, unknown>;
  const native = Object.getOwnPropertyDescriptor(Promise, 'withResolvers');
  afterEach(() => {
    if (native) Object.defineProperty(Promise, 'withResolvers', native);
  });

  it('leaves a native Promise.withResolvers alone', () => {
    const before = promiseStatics.withResolvers;
    provideServicesRuntime();
    expect(promiseStatics.withResolvers).toBe(before);
  });

  it('provides Promise.withResolvers where Node lacks it (Node 20), as ES2024 defines it', async () => {
    delete promiseStatics.withResolvers;
    expect(promiseStatics.withResolvers).toBeUndefined();
    provideServicesRuntime();

    const descriptor = Object.getOwnPropertyDescriptor(Promise, 'withResolvers')!;
    expect(descriptor).toMatchObject({ writable: true, configurable: true, enumerable: false });
    type WithResolvers = <T>() => {
      promise: Promise<T>;
      resolve: (value: T) => void;
      reject: (reason?: unknown) => void;
    };
    const withResolvers = (promiseStatics.withResolvers as WithResolvers).bind(Promise);
    const resolved = withResolvers<number>();
    resolved.resolve(7);
    await expect(resolved.promise).resolves.toBe(7);
    const rejected = withResolvers<number>();
    rejected.reject(new Error('refused'));
    await expect(rejected.promise).rejects.toThrow('refused');
    expect(resolved.promise).toBeInstanceOf(Promise);
  });
});
