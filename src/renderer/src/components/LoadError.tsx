import { ErrorNotice } from './ErrorNotice';

/** The one-line alert a page shows when its query failed: "Could not load <what>: <reason>". */
export function LoadError(props: { what: string; query: { isError: boolean; error: unknown } }) {
  return <ErrorNotice failed={`Could not load ${props.what}`} outcome={props.query} />;
}
