/**
 * The Asia/Shanghai clock gives the same answers in every process zone; run this file under
 * TZ=UTC and TZ=America/New_York too.
 */
import { describe, expect, it } from 'vitest';
import {
  CHINA_OFFSET,
  chinaClock,
  chinaDate,
  chinaDateTime,
  chinaEndOfDay,
  chinaInstant,
  chinaIso,
  chinaMidnight,
  chinaTime,
  chinaYear,
  TIME_ZONE,
  weekdayOf,
} from './time';

// 2026-12-01 17:30:00 in Shanghai is 09:30 UTC and 04:30 in New York.
const DEADLINE = new Date('2026-12-01T09:30:00Z');
// 2026-03-05 23:30 in New York (EST) is already 2026-03-06 12:30 in Shanghai.
const LATE_EVENING_NY = new Date('2026-03-06T04:30:00Z');
// 2026-12-31 16:00 UTC is new year's midnight in Shanghai.
const NEW_YEAR = new Date('2026-12-31T16:00:00Z');

describe('Asia/Shanghai clock', () => {
  it('names the zone and its offset', () => {
    expect(TIME_ZONE).toBe('Asia/Shanghai');
    expect(CHINA_OFFSET).toBe('+08:00');
  });

  it('gives the Shanghai calendar day and wall-clock time of an instant', () => {
    expect(chinaDate(DEADLINE)).toBe('2026-12-01');
    expect(chinaTime(DEADLINE)).toBe('17:30:00');
    expect(chinaDateTime(DEADLINE)).toBe('2026-12-01 17:30');
    expect(chinaDateTime(DEADLINE, true)).toBe('2026-12-01 17:30:00');
    expect(chinaDate(LATE_EVENING_NY)).toBe('2026-03-06');
    expect(chinaDateTime(LATE_EVENING_NY)).toBe('2026-03-06 12:30');
    expect(chinaDateTime(NEW_YEAR, true)).toBe('2027-01-01 00:00:00');
    expect(chinaTime(new Date('2026-06-30T15:59:59Z'))).toBe('23:59:59');
    expect(chinaYear(NEW_YEAR)).toBe(2027);
    expect(chinaYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026);
  });

  it('builds instants from Shanghai wall-clock times', () => {
    expect(chinaInstant('2026-12-01', 17, 30).toISOString()).toBe('2026-12-01T09:30:00.000Z');
    expect(chinaInstant('2026-12-01', 9, 5, 7).toISOString()).toBe('2026-12-01T01:05:07.000Z');
    expect(chinaMidnight('2026-03-05').toISOString()).toBe('2026-03-04T16:00:00.000Z');
    expect(chinaEndOfDay('2026-03-05').toISOString()).toBe('2026-03-05T16:00:00.000Z');
  });

  it('writes an instant as ISO 8601 with the +08:00 offset', () => {
    expect(chinaIso(DEADLINE)).toBe('2026-12-01T17:30:00+08:00');
    expect(chinaIso(NEW_YEAR)).toBe('2027-01-01T00:00:00+08:00');
    expect(new Date(chinaIso(LATE_EVENING_NY)).getTime()).toBe(LATE_EVENING_NY.getTime());
  });

  it('splits the Shanghai wall clock into fields', () => {
    expect(chinaClock(DEADLINE)).toEqual({
      year: 2026,
      month: 12,
      day: 1,
      hour: 17,
      minute: 30,
      second: 0,
      weekday: 2,
    });
    expect(chinaClock(NEW_YEAR)).toEqual({
      year: 2027,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      weekday: 5,
    });
  });

  it('knows the day of the week of a calendar day', () => {
    expect(weekdayOf('2026-03-05')).toBe(4);
    expect(weekdayOf('2026-03-08')).toBe(0);
    expect(weekdayOf('2027-01-01')).toBe(5);
    expect(weekdayOf('2024-02-29')).toBe(4);
  });
});
