import * as restate from '@restatedev/restate-sdk';

/**
 * A virtual object's state in memory, with the calls the state stores make
 * (get, set, clear, stateKeys). Reads return resolved RestatePromises, so the
 * stores' combinator (readStateValues) works as in a handler; restate-server
 * itself is exercised by the stores' integration tests.
 *
 * Values go through a serde as in the SDK (JSON unless the call passes one),
 * and `state` holds each entry's JSON value: an entry written as bytes
 * (setIfItFits) reads back like one written as a value.
 */
export function inMemoryObject() {
  const state = new Map<string, unknown>();
  const json = restate.serde.json;
  const context = {
    get: <T>(key: string, serde: restate.Serde<unknown> = json) =>
      restate.RestatePromise.resolve(
        (state.has(key) ? serde.deserialize(json.serialize(state.get(key))) : null) as T | null,
      ),
    set: (key: string, value: unknown, serde: restate.Serde<unknown> = json) =>
      void state.set(key, json.deserialize(serde.serialize(value))),
    clear: (key: string) => void state.delete(key),
    stateKeys: () => restate.RestatePromise.resolve([...state.keys()].sort()),
  };
  return { state, context: context as unknown as restate.ObjectContext };
}
