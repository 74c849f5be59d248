import { describeBackendError } from '../backend/spectra-backend';

/**
 * The one-line alert of a failed query or action, "<what failed>: <reason>";
 * nothing while it has not failed.
 */
export function ErrorNotice(props: {
  failed: string;
  outcome: { isError: boolean; error: unknown };
  testId?: string;
}) {
  if (!props.outcome.isError) return null;
  return (
    <p className="notice error" role="alert" data-testid={props.testId}>
      {props.failed}: {describeBackendError(props.outcome.error)}
    </p>
  );
}
