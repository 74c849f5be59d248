import { describe, expect, it } from 'vitest';
import {
  EMPTY_LOCK_TABLE,
  MAX_OVERTAKES,
  acquireLock,
  lockNetworks,
  lockStatus,
  networksOverlap,
  queueStanding,
  releaseLock,
  type LockTable,
  type LockWaiter,
} from './scope-lock-table';

const waiter = (campaignId: string, ...networks: string[]): LockWaiter => ({
  campaignId,
  name: campaignId,
  networks,
  awakeableId: `awk-${campaignId}`,
  since: '2026-01-01T00:00:00.000Z',
});

function acquireAll(...waiters: LockWaiter[]): LockTable {
  return waiters.reduce((table, next) => acquireLock(table, next).table, EMPTY_LOCK_TABLE);
}

describe('lockNetworks', () => {
  it('keeps included networks, canonical, without exclusions or duplicates', () => {
    expect(
      lockNetworks('127.60.0.0/24 sensitive, !127.60.0.5, 127.61.0.1-127.61.0.255, 127.60.0.0/24'),
    ).toEqual(['127.60.0.0/24', '127.61.0.1-127.61.0.255']);
    expect(lockNetworks([{ network: '127.62.0.0/16' }])).toEqual(['127.62.0.0/16']);
  });
});

describe('networksOverlap', () => {
  it('conflicts on any shared address, whatever the notation', () => {
    expect(networksOverlap(['10.0.0.0/16'], ['10.0.200.0/24'])).toBe(true);
    expect(networksOverlap(['10.0.0.0/24'], ['10.0.0.255-10.0.1.5'])).toBe(true);
    expect(networksOverlap(['10.0.0.0/24'], ['10.0.1.0/24'])).toBe(false);
    expect(networksOverlap(['10.0.0.0/24', '10.9.0.1'], ['10.9.0.1'])).toBe(true);
    expect(networksOverlap(['::1'], ['127.0.0.1'])).toBe(false);
  });
});

describe('acquireLock and releaseLock', () => {
  it('grants disjoint scopes at once and queues an overlapping one at position 1', () => {
    const first = acquireLock(EMPTY_LOCK_TABLE, waiter('a', '127.60.0.0/24'));
    expect(first.granted).toBe(true);
    const second = acquireLock(first.table, waiter('b', '127.61.0.0/24'));
    expect(second.granted).toBe(true);
    const third = acquireLock(second.table, waiter('c', '127.60.0.128/25'));
    expect(third).toMatchObject({ granted: false, position: 1, blockedBy: ['a'] });
    expect(lockStatus(third.table)).toEqual({
      holders: [
        expect.objectContaining({ campaignId: 'a' }),
        expect.objectContaining({ campaignId: 'b' }),
      ],
      queue: [expect.objectContaining({ campaignId: 'c', position: 1 })],
    });
    expect(JSON.stringify(lockStatus(third.table))).not.toContain('awk-');
  });

  it('asking again changes nothing', () => {
    const table = acquireAll(waiter('a', '10.0.0.0/24'), waiter('b', '10.0.0.0/24'));
    expect(acquireLock(table, waiter('a', '10.0.0.0/24'))).toEqual({ granted: true, table });
    expect(acquireLock(table, waiter('b', '10.0.0.0/24'))).toMatchObject({
      granted: false,
      position: 1,
      table,
    });
  });

  it('grants waiters in order on release, and only those now free', () => {
    const table = acquireAll(
      waiter('a', '10.0.0.0/16'),
      waiter('b', '10.0.1.0/24'),
      waiter('c', '10.0.1.0/25'),
      waiter('d', '10.0.2.0/24'),
    );
    expect(table.queue.map((entry) => entry.campaignId)).toEqual(['b', 'c', 'd']);
    const released = releaseLock(table, 'a');
    // c overlaps b, which was queued first; d is free.
    expect(released.granted.map((entry) => entry.awakeableId)).toEqual(['awk-b', 'awk-d']);
    expect(released.table.holders.map((entry) => entry.campaignId)).toEqual(['b', 'd']);
    expect(queueStanding(released.table, 'c')).toMatchObject({ position: 1, blockedBy: ['b'] });
    expect(releaseLock(released.table, 'b').granted.map((entry) => entry.campaignId)).toEqual([
      'c',
    ]);
  });

  it('grants a campaign whose networks are free, whatever waits ahead of it', () => {
    // a holds a /24; big waits for the /8 around it; small needs only a free /24 inside the /8.
    const table = acquireAll(waiter('a', '10.0.0.0/24'), waiter('big', '10.0.0.0/8'));
    const small = acquireLock(table, waiter('small', '10.5.0.0/24'));
    expect(small.granted).toBe(true);
    expect(small.table.queue).toEqual([
      expect.objectContaining({ campaignId: 'big', overtaken: 1 }),
    ]);
    // A campaign overlapping nothing at all is granted too, of course.
    expect(acquireLock(small.table, waiter('elsewhere', '192.168.0.0/24')).granted).toBe(true);
  });

  it(`does not starve a large campaign: after ${MAX_OVERTAKES} overtakes it is reserved and granted`, () => {
    let table = acquireAll(waiter('a', '10.0.0.0/24'), waiter('big', '10.0.0.0/8'));
    const smalls: string[] = [];
    for (let index = 1; index <= MAX_OVERTAKES; index++) {
      const result = acquireLock(table, waiter(`small-${index}`, `10.${index}.0.0/24`));
      expect(result.granted).toBe(true);
      smalls.push(`small-${index}`);
      table = result.table;
    }
    // Reserved now: the next small campaign inside the /8 queues behind it.
    const late = acquireLock(table, waiter('late', '10.200.0.0/24'));
    expect(late).toMatchObject({ granted: false, position: 2, blockedBy: ['big'] });
    table = late.table;
    // Outside the /8 nothing changes.
    expect(acquireLock(table, waiter('outside', '11.0.0.0/24')).granted).toBe(true);
    // The holders drain; big goes first, then late after big.
    for (const holder of ['a', ...smalls.slice(0, -1)]) {
      const released = releaseLock(table, holder);
      expect(released.granted).toEqual([]);
      table = released.table;
    }
    const last = releaseLock(table, smalls.at(-1)!);
    expect(last.granted.map((entry) => entry.campaignId)).toEqual(['big']);
    expect(queueStanding(last.table, 'late')).toMatchObject({ position: 1, blockedBy: ['big'] });
    expect(releaseLock(last.table, 'big').granted.map((entry) => entry.campaignId)).toEqual([
      'late',
    ]);
  });

  it('drops a cancelled waiter from the queue; releasing what is not held changes nothing', () => {
    const table = acquireAll(waiter('a', '10.0.0.0/24'), waiter('b', '10.0.0.0/24'));
    const withoutB = releaseLock(table, 'b');
    expect(withoutB.granted).toEqual([]);
    expect(withoutB.table.queue).toEqual([]);
    expect(releaseLock(withoutB.table, 'zzz').table).toEqual(withoutB.table);
    expect(queueStanding(withoutB.table, 'a')).toBeUndefined();
  });
});
