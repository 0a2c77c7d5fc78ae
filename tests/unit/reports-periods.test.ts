import { describe, expect, it } from 'vitest';
import { daysInRange, periodRange, resolveRange } from '../../shared/reports/periods';
import { ReportQuerySchema } from '../../shared/reports/report';

const q = (input: Record<string, string>) => ReportQuerySchema.parse(input);

describe('R16 report periods', () => {
  it('a week runs Monday to Sunday, whatever day it is asked from', () => {
    expect(periodRange('week', '2026-11-25')).toEqual({ from: '2026-11-23', to: '2026-11-29' }); // Wednesday
    expect(periodRange('week', '2026-11-23')).toEqual({ from: '2026-11-23', to: '2026-11-29' }); // Monday
    expect(periodRange('week', '2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' }); // Sunday
    expect(periodRange('week', '2027-01-01')).toEqual({ from: '2026-12-28', to: '2027-01-03' }); // across the year
  });

  it('a month and a quarter end on their last calendar day', () => {
    expect(periodRange('month', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(periodRange('month', '2026-12-31')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(periodRange('quarter', '2026-02-14')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(periodRange('quarter', '2026-11-23')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodRange('day', '2026-11-23')).toEqual({ from: '2026-11-23', to: '2026-11-23' });
    expect(daysInRange('2026-10-01', '2026-12-31')).toBe(92);
  });

  it('a period without a date is the one around the hall\'s today', () => {
    expect(resolveRange(q({ period: 'month' }), '2026-11-24')).toEqual({ ok: true, from: '2026-11-01', to: '2026-11-30' });
    expect(resolveRange(q({ from: '2026-11-02', to: '2026-11-03' }), '2026-11-24')).toEqual({ ok: true, from: '2026-11-02', to: '2026-11-03' });
  });

  it('refuses a range backwards or longer than 400 days, with a Chinese message too', () => {
    expect(resolveRange(q({ from: '2026-11-03', to: '2026-11-02' }), '2026-11-24')).toMatchObject({ ok: false, code: 'bad-range', messageZh: expect.any(String) });
    expect(resolveRange(q({ from: '2025-01-01', to: '2026-02-05' }), '2026-11-24')).toMatchObject({ ok: false, code: 'range-too-long' });
    expect(resolveRange(q({ from: '2025-01-01', to: '2026-02-04' }), '2026-11-24')).toMatchObject({ ok: true }); // 400 days
  });

  it('the query takes a range or a period, grouped by service unless told', () => {
    expect(q({ period: 'week' })).toEqual({ period: 'week', groupBy: 'service' });
    expect(q({ from: '2026-11-23', to: '2026-11-24', groupBy: 'staff', token: 'x' })).toEqual({ from: '2026-11-23', to: '2026-11-24', groupBy: 'staff' });
    for (const bad of [{}, { from: '2026-11-23' }, { from: '2026-11-23', to: '2026-11-24', period: 'day' }, { period: 'year' }, { period: 'day', date: '2026-02-30' }, { period: 'day', groupBy: 'floor' }]) {
      expect(ReportQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
