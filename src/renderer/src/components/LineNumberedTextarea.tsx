import { useRef, type ChangeEvent } from 'react';

/** Beyond this many lines the gutter is dropped: thousands of numbers would slow typing. */
const MAX_GUTTER_LINES = 5000;

/**
 * A textarea with a line-number gutter in which the lines the parser rejected
 * are marked, so "line 7" in an issue is easy to find.
 */
export function LineNumberedTextarea(props: {
  id: string;
  value: string;
  onChange(value: string): void;
  badLines: ReadonlySet<number>;
  rows: number;
  placeholder?: string;
  describedBy?: string;
  testId: string;
  invalid: boolean;
}) {
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = props.value.split('\n').length;
  const showGutter = lineCount <= MAX_GUTTER_LINES;
  return (
    <div className="numbered">
      {showGutter ? (
        <div
          className="gutter"
          ref={gutter}
          aria-hidden="true"
          style={{ height: `${props.rows * 1.5 + 0.9}em` }}
        >
          {Array.from({ length: lineCount }, (_, index) => (
            <span key={index} className={props.badLines.has(index + 1) ? 'bad' : undefined}>
              {index + 1}
            </span>
          ))}
        </div>
      ) : null}
      <textarea
        id={props.id}
        rows={props.rows}
        value={props.value}
        spellCheck={false}
        placeholder={props.placeholder}
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid}
        data-testid={props.testId}
        onChange={(event: ChangeEvent<HTMLTextAreaElement>) => props.onChange(event.target.value)}
        onScroll={(event) => {
          if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
        }}
      />
    </div>
  );
}
