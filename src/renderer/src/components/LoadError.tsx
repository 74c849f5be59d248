import { describeBackendError } from '../backend/spectra-backend';

/** The one-line alert a page shows when its query failed: "Could not load <what>: <reason>". */
export function LoadError(props: { what: string; query: { isError: boolean; error: unknown } }) {
  if (!props.query.isError) return null;
  return (
    <p className="notice error" role="alert">
      Could not load {props.what}: {describeBackendError(props.query.error)}
    </p>
  );
}
