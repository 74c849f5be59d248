export interface BarDatum {
  label: string;
  value: number;
  /** CSS class suffix for the bar's fill: a severity, or 'default'. */
  tone?: string;
}

/**
 * Horizontal bars in plain SVG: readable at a glance, no chart library, and
 * colours from the theme's CSS variables so it follows light and dark.
 */
export function BarChart(props: {
  data: readonly BarDatum[];
  title: string;
  testId?: string;
  unit?: string;
  labelWidth?: number;
}) {
  const rowHeight = 24;
  const labelWidth = props.labelWidth ?? 120;
  const maxLabel = Math.floor(labelWidth / 7.2);
  const valueWidth = 56;
  const width = 420 + Math.max(0, labelWidth - 120);
  const barWidth = width - labelWidth - valueWidth;
  const max = Math.max(1, ...props.data.map((datum) => datum.value));
  const height = Math.max(rowHeight, props.data.length * rowHeight);
  const summary = props.data.map((datum) => `${datum.label}: ${datum.value}`).join(', ');
  if (props.data.length === 0) return <p className="muted">Nothing to chart yet.</p>;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width * 1.25, height: 'auto' }}
      role="img"
      aria-label={`${props.title}: ${summary}`}
      data-testid={props.testId}
    >
      {props.data.map((datum, index) => {
        const y = index * rowHeight;
        const length = (datum.value / max) * barWidth;
        return (
          <g key={datum.label} transform={`translate(0 ${y})`}>
            <text x={0} y={rowHeight / 2 + 4}>
              {datum.label.length > maxLabel
                ? `${datum.label.slice(0, maxLabel - 1)}…`
                : datum.label}
              <title>{`${datum.label}: ${datum.value}`}</title>
            </text>
            <rect
              className="track"
              x={labelWidth}
              y={5}
              width={barWidth}
              height={rowHeight - 10}
              rx={3}
            />
            <rect
              className={`fill-${datum.tone ?? 'default'}`}
              x={labelWidth}
              y={5}
              width={Math.max(datum.value > 0 ? 2 : 0, length)}
              height={rowHeight - 10}
              rx={3}
            />
            <text className="value" x={width} y={rowHeight / 2 + 4} textAnchor="end">
              {datum.value.toLocaleString('en-US')}
              {props.unit ?? ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
