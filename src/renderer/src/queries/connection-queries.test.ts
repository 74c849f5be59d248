import { describe, expect, it } from 'vitest';
import { HostUnreachable, SessionRejected } from '../backend/spectra-backend';
import { connectionOf } from './connection-queries';

describe('connection state', () => {
  it('is connecting before the first answer, online when the engine is ready', () => {
    expect(connectionOf({ error: null, dataUpdatedAt: 0, errorUpdatedAt: 0 })).toEqual({
      status: 'connecting',
    });
    expect(
      connectionOf({
        data: { serverState: 'ready' },
        error: null,
        dataUpdatedAt: 10,
        errorUpdatedAt: 0,
      }),
    ).toEqual({ status: 'online' });
  });

  it('reports a restarting engine and a data dir that takes no writes', () => {
    expect(
      connectionOf({
        data: { serverState: 'restarting', dataDirProblem: 'data dir full: /d (ENOSPC)' },
        error: null,
        dataUpdatedAt: 10,
        errorUpdatedAt: 0,
      }),
    ).toEqual({
      status: 'degraded',
      serverState: 'restarting',
      dataDirProblem: 'data dir full: /d (ENOSPC)',
    });
  });

  it('is offline since the first failure, with the last contact, until an answer comes back', () => {
    const offline = connectionOf({
      data: { serverState: 'ready' },
      error: new HostUnreachable('the host does not answer'),
      dataUpdatedAt: 10,
      errorUpdatedAt: 30,
      firstErrorAt: 20,
    });
    expect(offline).toEqual({ status: 'offline', since: 20, lastContactAt: 10 });
    expect(
      connectionOf({
        data: { serverState: 'ready' },
        error: new HostUnreachable('old failure'),
        dataUpdatedAt: 40,
        errorUpdatedAt: 30,
      }).status,
    ).toBe('online');
  });

  it('asks for a reload when the restarted host refuses the old session token', () => {
    expect(
      connectionOf({
        error: new SessionRejected('refused'),
        dataUpdatedAt: 0,
        errorUpdatedAt: 5,
      }),
    ).toEqual({ status: 'session-expired' });
  });
});
