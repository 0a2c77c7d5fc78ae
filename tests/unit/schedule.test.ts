import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  availability,
  dayTimetable,
  defaultHallSchedule,
  localDate,
  parseScheduleConfig,
  parseServiceSchedule,
  ScheduleConfigError,
  ScheduleConfigSchema,
  zonedParts,
  zonedTimeCandidates,
  zonedTimeToUtc,
  type ScheduleConfig,
  type ServiceSchedule,
} from '../../shared/schedule';

/** UTC ms of a Shanghai wall time. */
const sh = (date: string, hhmm: string): number => Date.parse(`${date}T${hhmm}:00+08:00`);

// Calendar used below: 2026-11-21 Sat, 11-22 Sun, 11-23 Mon, 11-24 Tue, 11-27 Fri.
const MON = '2026-11-23';
const TUE = '2026-11-24';
const SAT = '2026-11-21';
const SUN = '2026-11-22';

const hall = defaultHallSchedule();

/** National Day week: holidays Thu 10-01 … Wed 10-07; Sun 09-27 and Sat 10-10 are adjusted workdays. */
const nationalDay: ScheduleConfig = parseScheduleConfig({
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  adjustedWorkdays: [{ date: '2026-09-27' }, { date: '2026-10-10', as: 'fri' }],
});

/** Reference implementation: straight from Intl, no caching, no arithmetic shortcuts. */
const referenceFormats = new Map<string, Intl.DateTimeFormat>();
function referenceParts(ms: number, timeZone: string) {
  const f = referenceFormats.get(timeZone) ?? new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
  });
  referenceFormats.set(timeZone, f);
  const parts = Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: weekdays.indexOf(String(parts.weekday)),
    minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute),
  };
}

describe('R5 default timetable (workdays)', () => {
  it('R5: 08:45 on a workday is appointment-only until 09:00, walk-ins at 09:00', () => {
    const a = availability(hall, undefined, sh(MON, '08:45'));
    expect(a).toMatchObject({ state: 'appointment-only', reason: 'appointment-period', date: MON });
    expect(a.until).toBe(sh(MON, '09:00'));
    expect(a.nextOpen).toEqual({ at: sh(MON, '09:00'), mode: 'open' });
  });

  it('R5: 07:00 on a workday is closed before hours, walk-ins come back at 09:00 (not 08:30)', () => {
    const a = availability(hall, undefined, sh(MON, '07:00'));
    expect(a).toMatchObject({ state: 'closed', reason: 'before-hours', date: MON });
    expect(a.until).toBe(sh(MON, '08:30'));
    expect(a.nextOpen).toEqual({ at: sh(MON, '09:00'), mode: 'open' });
  });

  it('R5: 09:00 sharp is open', () => {
    expect(availability(hall, undefined, sh(MON, '09:00'))).toMatchObject({ state: 'open', reason: 'open' });
  });

  it('R5: lunch 12:30 is open (the lunch break stays open), until the cut-off at 16:30', () => {
    const a = availability(hall, undefined, sh(MON, '12:30'));
    expect(a).toMatchObject({ state: 'open', reason: 'open', date: MON });
    expect(a.until).toBe(sh(MON, '16:30'));
    expect(a.nextOpen).toBeUndefined();
  });

  it('R5 cut-off: walk-ins stop 30 minutes before the last open period ends (16:30); booked citizens still check in', () => {
    expect(availability(hall, undefined, sh(MON, '16:29'))).toMatchObject({ state: 'open', reason: 'open' });
    for (const t of ['16:30', '16:45', '16:59']) {
      const a = availability(hall, undefined, sh(MON, t));
      expect(a).toMatchObject({ state: 'appointment-only', reason: 'cut-off', date: MON });
      // still appointment-only through the 17:00-17:30 extended period; closed after hours at 17:30
      expect(a.until).toBe(sh(MON, '17:30'));
      expect(a.nextOpen).toEqual({ at: sh(TUE, '09:00'), mode: 'open' });
    }
  });

  it('R5: the 17:00-17:30 extended period stays appointment-only, next walk-in Tuesday 09:00', () => {
    for (const t of ['17:00', '17:10', '17:29']) {
      const a = availability(hall, undefined, sh(MON, t));
      expect(a).toMatchObject({ state: 'appointment-only', reason: 'appointment-period', date: MON });
      expect(a.until).toBe(sh(MON, '17:30'));
      expect(a.nextOpen).toEqual({ at: sh(TUE, '09:00'), mode: 'open' });
    }
  });

  it('R5: 17:30 and later is closed after hours', () => {
    const a = availability(hall, undefined, sh(MON, '17:30'));
    expect(a).toMatchObject({ state: 'closed', reason: 'after-hours' });
    expect(a.nextOpen).toEqual({ at: sh(TUE, '09:00'), mode: 'open' });
    expect(availability(hall, undefined, sh(MON, '23:59')).reason).toBe('after-hours');
  });

  it('R5 cut-off 0: 17:10 is appointment-only until 17:30', () => {
    const h = { ...hall, cutoffMinutes: 0 };
    const open = availability(h, undefined, sh(MON, '16:50'));
    expect(open).toMatchObject({ state: 'open' });
    expect(open.until).toBe(sh(MON, '17:00'));
    const a = availability(h, undefined, sh(MON, '17:10'));
    expect(a).toMatchObject({ state: 'appointment-only', reason: 'appointment-period' });
    expect(a.until).toBe(sh(MON, '17:30'));
    expect(a.nextOpen).toEqual({ at: sh(TUE, '09:00'), mode: 'open' });
  });

  it('R5 cut-off 60: walk-ins stop at 16:00; 16:00-17:00 is appointment-only cut-off', () => {
    const h = { ...hall, cutoffMinutes: 60 };
    const open = availability(h, undefined, sh(MON, '15:59'));
    expect(open).toMatchObject({ state: 'open' });
    expect(open.until).toBe(sh(MON, '16:00'));
    for (const t of ['16:00', '16:29', '16:45']) {
      expect(availability(h, undefined, sh(MON, t))).toMatchObject({ state: 'appointment-only', reason: 'cut-off' });
    }
    expect(availability(h, undefined, sh(MON, '17:10'))).toMatchObject({ state: 'appointment-only', reason: 'appointment-period' });
  });

  it('R5: a service cutoffMinutes replaces the hall one', () => {
    const svc: ServiceSchedule = { cutoffMinutes: 90 };
    expect(availability(hall, svc, sh(MON, '16:00'))).toMatchObject({ state: 'appointment-only', reason: 'cut-off' });
    expect(availability(hall, undefined, sh(MON, '16:00'))).toMatchObject({ state: 'open' });
  });
});

describe('R5 weekends', () => {
  it('R5: Saturday 10:00 is appointment-only, Sunday closed; walk-ins next on Monday 09:00', () => {
    const sat = availability(hall, undefined, sh(SAT, '10:00'));
    expect(sat).toMatchObject({ state: 'appointment-only', reason: 'appointment-period', date: SAT });
    expect(sat.until).toBe(sh(SAT, '13:00')); // no open period, so no cut-off: appointments run to 13:00
    expect(sat.nextOpen).toEqual({ at: sh(MON, '09:00'), mode: 'open' });

    const sun = availability(hall, undefined, sh(SUN, '10:00'));
    expect(sun).toMatchObject({ state: 'closed', reason: 'not-a-workday', date: SUN });
    expect(sun.until).toBeUndefined();
    expect(sun.nextOpen).toEqual({ at: sh(MON, '09:00'), mode: 'open' });
  });

  it('R5 cut-off: Saturday (appointment-only, no open period) has no cut-off; 12:50 is still appointment-only', () => {
    for (const t of ['12:40', '12:50']) {
      const a = availability(hall, undefined, sh(SAT, t));
      expect(a).toMatchObject({ state: 'appointment-only', reason: 'appointment-period', date: SAT });
      expect(a.until).toBe(sh(SAT, '13:00'));
    }
    expect(availability(hall, undefined, sh(SAT, '13:00'))).toMatchObject({ state: 'closed', reason: 'after-hours' });
  });

  it('R5: Sunday opening is optional: a hall may configure Sunday periods', () => {
    const h = parseScheduleConfig({
      weekly: { ...defaultHallSchedule().weekly, sun: [{ from: '09:00', to: '12:00', mode: 'open' }] },
    });
    expect(availability(h, undefined, sh(SUN, '10:00'))).toMatchObject({ state: 'open', reason: 'open' });
  });
});

describe('R5 holidays and adjusted workdays (调休)', () => {
  it('R5: a holiday on a weekday is closed, walk-ins next on the first workday at 09:00', () => {
    const a = availability(nationalDay, undefined, sh('2026-10-01', '10:00'));
    expect(a).toMatchObject({ state: 'closed', reason: 'holiday', date: '2026-10-01' });
    expect(a.until).toBeUndefined();
    expect(a.nextOpen).toEqual({ at: sh('2026-10-08', '09:00'), mode: 'open' });
    expect(dayTimetable(nationalDay, undefined, '2026-10-01')).toEqual([]);
  });

  it('R5: an adjusted-workday Sunday follows Monday\'s timetable', () => {
    const sunday = '2026-09-27';
    expect(dayTimetable(nationalDay, undefined, sunday)).toEqual(nationalDay.weekly.mon);
    expect(availability(nationalDay, undefined, sh(sunday, '08:45'))).toMatchObject({ state: 'appointment-only' });
    expect(availability(nationalDay, undefined, sh(sunday, '10:00'))).toMatchObject({ state: 'open', reason: 'open' });
    expect(availability(nationalDay, undefined, sh(sunday, '16:45'))).toMatchObject({ state: 'appointment-only', reason: 'cut-off' });
    expect(availability(nationalDay, undefined, sh(sunday, '17:10'))).toMatchObject({ state: 'appointment-only', reason: 'appointment-period' });
  });

  it('R5: an adjusted-workday Saturday follows the weekday named in `as`', () => {
    const h = parseScheduleConfig({
      weekly: { ...defaultHallSchedule().weekly, fri: [{ from: '09:00', to: '16:00', mode: 'open' }] },
      adjustedWorkdays: [{ date: '2026-10-10', as: 'fri' }],
    });
    expect(dayTimetable(h, undefined, '2026-10-10')).toEqual([{ from: '09:00', to: '16:00', mode: 'open' }]);
  });

  it('R5: the last workday before a holiday week points walk-ins past the holidays', () => {
    const a = availability(nationalDay, undefined, sh('2026-09-30', '18:00'));
    expect(a.reason).toBe('after-hours');
    expect(a.nextOpen).toEqual({ at: sh('2026-10-08', '09:00'), mode: 'open' });
  });

  it('R5: holidays and a service weekly override: the holiday still closes the service', () => {
    const svc: ServiceSchedule = { weekly: { ...hall.weekly, thu: [{ from: '00:00', to: '24:00', mode: 'open' }] } };
    expect(availability(nationalDay, svc, sh('2026-10-01', '10:00')).reason).toBe('holiday');
  });
});

describe('R5 services: quota, appointment-only, overrides', () => {
  it('R5 quota: issued 99 of 100 is open with 1 left', () => {
    const a = availability(hall, { dailyQuota: 100 }, sh(MON, '10:00'), 99);
    expect(a).toMatchObject({ state: 'open', quota: { limit: 100, issued: 99, left: 1 } });
  });

  it('R5 quota reached: closed for the rest of the day, next walk-in the next workday 09:00', () => {
    const a = availability(hall, { dailyQuota: 100 }, sh(MON, '08:00'), 100);
    expect(a).toMatchObject({ state: 'closed', reason: 'quota-reached', quota: { limit: 100, issued: 100, left: 0 } });
    expect(a.until).toBeUndefined();
    expect(a.nextOpen).toEqual({ at: sh(TUE, '09:00'), mode: 'open' });
  });

  it('R5 quota reached on a Friday: next walk-in is Monday', () => {
    const a = availability(hall, { dailyQuota: 5 }, sh('2026-11-27', '11:00'), 7);
    expect(a).toMatchObject({ reason: 'quota-reached', quota: { left: 0 } });
    expect(a.nextOpen).toEqual({ at: sh('2026-11-30', '09:00'), mode: 'open' });
  });

  it('R5 quota: after hours and on holidays the schedule reason wins', () => {
    expect(availability(hall, { dailyQuota: 5 }, sh(MON, '18:00'), 5).reason).toBe('after-hours');
    expect(availability(hall, { dailyQuota: 5 }, sh(SUN, '10:00'), 5).reason).toBe('not-a-workday');
  });

  it('R5: a service that is appointment-only all day never opens for walk-ins', () => {
    const svc: ServiceSchedule = { appointmentOnly: true };
    const a = availability(hall, svc, sh(MON, '10:00'));
    expect(a).toMatchObject({ state: 'appointment-only', reason: 'appointment-service' });
    expect(a.until).toBe(sh(MON, '17:30')); // no open period, so no cut-off: appointments run to 17:30
    expect(a.nextOpen).toBeUndefined(); // no walk-in within 14 days; appointments are taken now
    expect(dayTimetable(hall, svc, MON).every((p) => p.mode === 'appointment')).toBe(true);

    const evening = availability(hall, svc, sh(MON, '18:00'));
    expect(evening).toMatchObject({ state: 'closed', reason: 'after-hours' });
    expect(evening.nextOpen).toEqual({ at: sh(TUE, '08:30'), mode: 'appointment' });
  });

  it('R5: a service weekly timetable overrides the hall timetable', () => {
    const svc = parseServiceSchedule({
      weekly: { mon: [{ from: '09:00', to: '12:00', mode: 'open' }], tue: [{ from: '14:00', to: '16:00', mode: 'open' }] },
      cutoffMinutes: 0,
    });
    expect(dayTimetable(hall, svc, MON)).toEqual([{ from: '09:00', to: '12:00', mode: 'open' }]);
    const a = availability(hall, svc, sh(MON, '13:00'));
    expect(a).toMatchObject({ state: 'closed', reason: 'after-hours' });
    expect(a.nextOpen).toEqual({ at: sh(TUE, '14:00'), mode: 'open' });
    expect(availability(hall, svc, sh(SAT, '10:00')).reason).toBe('not-a-workday');
  });

  it('R5: a gap between periods is closed between-periods until the next one', () => {
    const h = parseScheduleConfig({
      weekly: {
        mon: [
          { from: '09:00', to: '12:00', mode: 'open' },
          { from: '13:30', to: '17:00', mode: 'open' },
        ],
      },
    });
    const a = availability(h, undefined, sh(MON, '12:30'));
    expect(a).toMatchObject({ state: 'closed', reason: 'between-periods' });
    expect(a.until).toBe(sh(MON, '13:30'));
    expect(a.nextOpen).toEqual({ at: sh(MON, '13:30'), mode: 'open' });
  });

  it('R5: with no period at all within 14 days there is no nextOpen', () => {
    const h = parseScheduleConfig({ weekly: {} });
    const a = availability(h, undefined, sh(MON, '10:00'));
    expect(a).toMatchObject({ state: 'closed', reason: 'not-a-workday' });
    expect(a.nextOpen).toBeUndefined();
  });
});

describe('R5 time zones', () => {
  it('R5: localDate is correct around Shanghai midnight', () => {
    expect(localDate(Date.parse('2026-11-22T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-11-22');
    expect(localDate(Date.parse('2026-11-22T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-23');
    expect(localDate(Date.parse('2026-11-22T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-11-22');
    expect(zonedParts(Date.parse('2026-11-22T15:59:59Z'), 'Asia/Shanghai')).toEqual({
      date: '2026-11-22',
      weekday: 0,
      minutes: 23 * 60 + 59,
      offsetMinutes: 480,
    });
    expect(zonedParts(Date.parse('2026-11-22T16:00:00Z'), 'Asia/Shanghai')).toEqual({
      date: '2026-11-23',
      weekday: 1,
      minutes: 0,
      offsetMinutes: 480,
    });
  });

  it('R5 DST: New York spring forward (2026-03-08 02:00 -> 03:00)', () => {
    const ny = 'America/New_York';
    expect(zonedParts(Date.parse('2026-03-08T06:59:59Z'), ny)).toEqual({ date: '2026-03-08', weekday: 0, minutes: 119, offsetMinutes: -300 });
    expect(zonedParts(Date.parse('2026-03-08T07:00:00Z'), ny)).toEqual({ date: '2026-03-08', weekday: 0, minutes: 180, offsetMinutes: -240 });
    expect(zonedTimeToUtc('2026-03-08', 60, ny)).toBe(Date.parse('2026-03-08T06:00:00Z'));
    expect(zonedTimeToUtc('2026-03-08', 180, ny)).toBe(Date.parse('2026-03-08T07:00:00Z'));
    // 02:30 does not exist: the later candidate, 03:30 EDT.
    expect(zonedTimeCandidates('2026-03-08', 150, ny)).toEqual([]);
    expect(zonedTimeToUtc('2026-03-08', 150, ny)).toBe(Date.parse('2026-03-08T07:30:00Z'));
    expect(zonedTimeToUtc('2026-03-08', 0, ny)).toBe(Date.parse('2026-03-08T05:00:00Z'));
    expect(zonedTimeToUtc('2026-03-08', 1440, ny)).toBe(Date.parse('2026-03-09T04:00:00Z'));
  });

  it('R5 DST: New York fall back (2026-11-01 01:30 happens twice, the first is chosen)', () => {
    const ny = 'America/New_York';
    expect(zonedTimeCandidates('2026-11-01', 90, ny)).toEqual([Date.parse('2026-11-01T05:30:00Z'), Date.parse('2026-11-01T06:30:00Z')]);
    expect(zonedTimeToUtc('2026-11-01', 90, ny)).toBe(Date.parse('2026-11-01T05:30:00Z'));
    expect(zonedParts(Date.parse('2026-11-01T05:30:00Z'), ny)).toMatchObject({ minutes: 90, offsetMinutes: -240 });
    expect(zonedParts(Date.parse('2026-11-01T06:30:00Z'), ny)).toMatchObject({ minutes: 90, offsetMinutes: -300 });
  });

  it('R5 DST: a transition on a half hour UTC (Australia/Adelaide 2026-04-05 03:00 ACDT -> 02:00 ACST)', () => {
    const z = 'Australia/Adelaide';
    expect(zonedParts(Date.parse('2026-04-04T16:29:59Z'), z)).toMatchObject({ date: '2026-04-05', minutes: 179, offsetMinutes: 630 });
    expect(zonedParts(Date.parse('2026-04-04T16:30:00Z'), z)).toMatchObject({ date: '2026-04-05', minutes: 120, offsetMinutes: 570 });
    expect(zonedParts(Date.parse('2026-04-04T16:10:00Z'), z)).toMatchObject({ minutes: 160, offsetMinutes: 630 });
    expect(zonedParts(Date.parse('2026-04-04T16:50:00Z'), z)).toMatchObject({ minutes: 140, offsetMinutes: 570 });
  });

  it('R5 DST: availability in a DST zone uses wall-clock hours (New York hall, the Monday after spring forward)', () => {
    const h = parseScheduleConfig({ timeZone: 'America/New_York' });
    const a = availability(h, undefined, Date.parse('2026-03-09T13:00:00Z')); // 09:00 EDT
    expect(a).toMatchObject({ state: 'open', date: '2026-03-09' });
    expect(a.until).toBe(Date.parse('2026-03-09T20:30:00Z')); // cut-off at 16:30 EDT
    const sun = availability(h, undefined, Date.parse('2026-03-08T15:00:00Z'));
    expect(sun.nextOpen).toEqual({ at: Date.parse('2026-03-09T13:00:00Z'), mode: 'open' });
  });

  it('R5: zonedParts and localDate agree with Intl for random instants in several zones', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }), fc.constantFrom(...zones), (ms, tz) => {
        const ref = referenceParts(ms, tz);
        const got = zonedParts(ms, tz);
        expect({ date: got.date, weekday: got.weekday, minutes: got.minutes }).toEqual(ref);
        expect(localDate(ms, tz)).toBe(ref.date);
        // round trip: the wall time maps back to an instant within the same minute
        const candidates = zonedTimeCandidates(got.date, got.minutes, tz);
        expect(candidates.some((t) => t <= ms && ms < t + 60_000)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('R5 DST: zonedParts matches Intl minute by minute around every 2026 transition of several zones', () => {
    const zones = ['America/New_York', 'Europe/London', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];
    const year = Date.parse('2026-01-01T00:00:00Z');
    const step = 6 * 3_600_000;
    let transitions = 0;
    for (const tz of zones) {
      const offsetAt = (t: number) => {
        const r = referenceParts(t, tz);
        const [y, m, d] = r.date.split('-').map(Number);
        return (Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1) + r.minutes * 60_000 - Math.floor(t / 60_000) * 60_000) / 60_000;
      };
      for (let t = year; t < year + 365 * 86_400_000; t += step) {
        if (offsetAt(t) === offsetAt(t + step)) continue;
        transitions++;
        for (let u = t; u <= t + step; u += 60_000) {
          const got = zonedParts(u, tz);
          expect({ date: got.date, weekday: got.weekday, minutes: got.minutes }).toEqual(referenceParts(u, tz));
          expect(got.offsetMinutes).toBe(offsetAt(u));
        }
      }
    }
    expect(transitions).toBe(zones.length * 2);
  });

  it('R5: localDate over 100,000 event timestamps (fold micro-check)', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const reference = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }); // en-CA: YYYY-MM-DD
    const counts = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const t = start + i * 37_000; // one event every 37 s: 2026-01-01 08:00 … 2026-02-13 03:46 Shanghai
      const d = localDate(t, 'Asia/Shanghai');
      counts.set(d, (counts.get(d) ?? 0) + 1);
      if (i % 997 === 0) expect(d).toBe(reference.format(t));
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(100_000);
    const days = [...counts.keys()];
    expect(days[0]).toBe('2026-01-01');
    expect(days[days.length - 1]).toBe('2026-02-13');
    expect(counts.size).toBe(44);
  });

  it('R5: addDays crosses months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-23', 14)).toBe('2026-12-07');
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });
});

describe('R5 config validation', () => {
  const messageOf = (input: unknown): string => {
    try {
      parseScheduleConfig(input);
    } catch (e) {
      expect(e).toBeInstanceOf(ScheduleConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a validation error');
  };

  it('R5: an empty config is the regulation default', () => {
    expect(parseScheduleConfig({})).toEqual(defaultHallSchedule());
    expect(ScheduleConfigSchema.parse({}).timeZone).toBe('Asia/Shanghai');
    expect(defaultHallSchedule().cutoffMinutes).toBe(30);
    expect(parseScheduleConfig({ adjustedWorkdays: [{ date: '2026-09-27' }] }).adjustedWorkdays[0]?.as).toBe('mon');
  });

  it('R5: a bad HH:MM is rejected with the value in the message', () => {
    const m = messageOf({ weekly: { mon: [{ from: '25:00', to: '26:00', mode: 'open' }] } });
    expect(m).toContain('"25:00" is not a time "HH:MM" between 00:00 and 24:00');
    expect(m).toContain('weekly.mon[0].from');
    expect(messageOf({ weekly: { mon: [{ from: '9:00', to: '12:00', mode: 'open' }] } })).toContain('"9:00"');
    expect(() => parseScheduleConfig({ weekly: { mon: [{ from: '00:00', to: '24:00', mode: 'open' }] } })).not.toThrow();
  });

  it('R5: a period must start before it ends', () => {
    expect(messageOf({ weekly: { tue: [{ from: '12:00', to: '09:00', mode: 'open' }] } })).toContain('tue: period 12:00-09:00 must start before it ends');
  });

  it('R5: overlapping or unsorted periods are rejected, naming the day', () => {
    expect(
      messageOf({
        weekly: {
          wed: [
            { from: '09:00', to: '12:00', mode: 'open' },
            { from: '11:00', to: '13:00', mode: 'appointment' },
          ],
        },
      }),
    ).toContain('wed: periods 09:00-12:00 and 11:00-13:00 overlap');
    expect(
      messageOf({
        weekly: {
          sat: [
            { from: '13:00', to: '14:00', mode: 'open' },
            { from: '09:00', to: '10:00', mode: 'open' },
          ],
        },
      }),
    ).toContain('sat: periods must be sorted by time');
  });

  it('R5: an unknown time zone is rejected', () => {
    expect(messageOf({ timeZone: 'Mars/Olympus_Mons' })).toContain('unknown time zone "Mars/Olympus_Mons"');
    expect(() => parseScheduleConfig({ timeZone: 'Europe/Berlin' })).not.toThrow();
  });

  it('R5: bad dates, typos and contradictions are rejected', () => {
    expect(messageOf({ holidays: ['2026-02-30'] })).toContain('"2026-02-30" is not a calendar date');
    expect(messageOf({ holiday: ['2026-10-01'] })).toContain('holiday');
    expect(messageOf({ weekly: { Mon: [] } })).toContain('Mon');
    expect(messageOf({ holidays: ['2026-10-01'], adjustedWorkdays: [{ date: '2026-10-01' }] })).toContain(
      '2026-10-01 is listed both as a holiday and as an adjusted workday',
    );
    expect(messageOf({ adjustedWorkdays: [{ date: '2026-09-27', as: 'sat' }] })).toContain('adjustedWorkdays');
    expect(messageOf({ cutoffMinutes: -5 })).toContain('cutoffMinutes');
  });

  it('R5: service schedules validate the quota', () => {
    expect(() => parseServiceSchedule({ dailyQuota: 0 })).toThrow(ScheduleConfigError);
    expect(() => parseServiceSchedule({ dailyQuota: 2.5 })).toThrow(/dailyQuota/);
    expect(parseServiceSchedule({ dailyQuota: 80, appointmentOnly: true })).toEqual({ dailyQuota: 80, appointmentOnly: true });
  });
});
