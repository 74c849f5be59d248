import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ErrorNotice } from './ErrorNotice';
import { LoadError } from './LoadError';

describe('ErrorNotice', () => {
  it('says nothing until the action fails, then one alert line with the reason', () => {
    expect(
      renderToStaticMarkup(
        <ErrorNotice failed="Not saved" outcome={{ isError: false, error: null }} />,
      ),
    ).toBe('');
    expect(
      renderToStaticMarkup(
        <ErrorNotice
          failed="Not saved"
          outcome={{ isError: true, error: new Error('schedule s-1 has finished') }}
          testId="schedule-edit-error"
        />,
      ),
    ).toBe(
      '<p class="notice error" role="alert" data-testid="schedule-edit-error">Not saved: schedule s-1 has finished</p>',
    );
  });

  it('is the alert of a failed load too', () => {
    expect(
      renderToStaticMarkup(
        <LoadError what="schedules" query={{ isError: true, error: new Error('offline') }} />,
      ),
    ).toBe('<p class="notice error" role="alert">Could not load schedules: offline</p>');
  });
});
