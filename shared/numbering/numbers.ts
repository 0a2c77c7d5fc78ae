/**
 * Ticket numbers. Online, the server hands out one series per hall, day and service prefix
 * (A001, A002 ...). Offline, a kiosk uses its own series letter after the prefix (AK001): an
 * online number is one letter then digits, an offline one two letters then digits, and each
 * kiosk's letter is unique in the hall, so no two tickets of a day can share a number.
 */
import type { HallState } from '../fold/state';

export function formatNumber(prefix: string, seq: number, digits = 3): string {
  return `${prefix}${String(seq).padStart(digits, '0')}`;
}

export function offlineNumber(prefix: string, series: string, seq: number, digits = 3): string {
  return `${prefix}${series}${String(seq).padStart(digits, '0')}`;
}

export function isOfflineNumber(n: string): boolean {
  return /^[A-Z]{2}\d+$/.test(n);
}

/**
 * Next sequence of a series on a day, from what the state holds. For the offline series the
 * kiosk's own log holds every number it ever gave, so this never repeats one.
 */
export function nextSeq(s: HallState, day: string, prefix: string, series = ''): number {
  return (s.series.get(`${day}|${prefix}${series}`) ?? 0) + 1;
}

/** The server's allocator: sequential per (hall, day, prefix), no gaps, one transaction. */
export interface NumberAllocator {
  allocate(hall: string, day: string, prefix: string): Promise<number>;
}
