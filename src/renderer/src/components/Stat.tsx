/** One labelled figure in a row of stats (elapsed time, hosts up, failure rate...). */
export function Stat(props: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{props.label}</div>
      <div className="stat-value" data-testid={props.testId}>
        {props.value}
      </div>
      {props.sub ? <div className="stat-sub">{props.sub}</div> : null}
    </div>
  );
}
