import * as restate from '@restatedev/restate-sdk';

/**
 * A virtual object's state in memory, with the calls the state stores make
 * (get, set, clear, stateKeys). Reads return resolved RestatePromises, so the
 * stores' combinator (readStateValues) works as in a handler; restate-server
 * itself is exercised by the stores' integration tests.
 */
export function inMemoryObject() {
  const state = new Map<string, unknown>();
  const context = {
    get: <T>(key: string) =>
      restate.RestatePromise.resolve(
        (state.has(key) ? structuredClone(state.get(key)) : null) as T | null,
      ),
    set: (key: string, value: unknown) => void state.set(key, structuredClone(value)),
    clear: (key: string) => void state.delete(key),
    stateKeys: () => restate.RestatePromise.resolve([...state.keys()].sort()),
  };
  return { state, context: context as unknown as restate.ObjectContext };
}
