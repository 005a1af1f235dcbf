// Business-hours clocks: is the desk open now, and when does "N working minutes after t" fall —
// in the workspace's time zone, skipping its weekend, the Iranian official holidays (Jalali
// calendar) and the holidays it lists.
import { toJalaali } from 'jalaali-js';
import type { DeskSettings, Weekday } from './desk-settings.ts';

export type Hours = Pick<DeskSettings, 'timezone' | 'week' | 'officialHolidays' | 'holidays'>;

/** Solar-calendar official holidays (month/day, Jalali). */
const OFFICIAL_SOLAR_HOLIDAYS = [
  '01/01',
  '01/02',
  '01/03',
  '01/04',
  '01/12',
  '01/13',
  '03/14',
  '03/15',
  '11/22',
  '12/29',
];

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timezone, f);
  }
  return f;
}

type LocalParts = { y: number; m: number; d: number; hh: number; mm: number; ss: number; weekday: Weekday };

function localParts(timezone: string, ms: number): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timezone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    y: Number(parts.year),
    m: Number(parts.month),
    d: Number(parts.day),
    hh: Number(parts.hour),
    mm: Number(parts.minute),
    ss: Number(parts.second),
    weekday: parts.weekday!.toLowerCase().slice(0, 3) as Weekday,
  };
}

/** The instant of a wall-clock time in the zone (two passes settle the zone's offset). */
function instantOf(timezone: string, y: number, m: number, d: number, minutes: number): number {
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = localParts(timezone, guess);
    const seen = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss);
    guess += wall - seen;
  }
  return guess;
}

const toMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

export function jalaliDate(hours: Pick<Hours, 'timezone'>, at: Date): { jy: number; jm: number; jd: number } {
  const p = localParts(hours.timezone, at.getTime());
  return toJalaali(p.y, p.m, p.d);
}

export function isHoliday(hours: Hours, y: number, m: number, d: number): boolean {
  const j = toJalaali(y, m, d);
  const md = `${String(j.jm).padStart(2, '0')}/${String(j.jd).padStart(2, '0')}`;
  if (hours.officialHolidays && OFFICIAL_SOLAR_HOLIDAYS.includes(md)) return true;
  return hours.holidays.includes(md) || hours.holidays.includes(`${j.jy}/${md}`);
}

/** Open intervals [from, to) as instants for the local day that contains `ms`, and where that day ends. */
function dayOf(hours: Hours, ms: number): { intervals: [number, number][]; nextDay: number } {
  const p = localParts(hours.timezone, ms);
  const next = new Date(Date.UTC(p.y, p.m - 1, p.d + 1));
  const nextDay = instantOf(
    hours.timezone,
    next.getUTCFullYear(),
    next.getUTCMonth() + 1,
    next.getUTCDate(),
    0,
  );
  if (isHoliday(hours, p.y, p.m, p.d)) return { intervals: [], nextDay };
  const intervals = hours.week[p.weekday].map(
    ([from, to]) =>
      [
        instantOf(hours.timezone, p.y, p.m, p.d, toMinutes(from)),
        instantOf(hours.timezone, p.y, p.m, p.d, toMinutes(to)),
      ] as [number, number],
  );
  return { intervals, nextDay };
}

export function isOpenAt(hours: Hours, at: Date): boolean {
  const t = at.getTime();
  return dayOf(hours, t).intervals.some(([from, to]) => t >= from && t < to);
}

/** The instant `minutes` working minutes after `start` (a year without opening hours gives up). */
export function addBusinessMinutes(hours: Hours, start: Date, minutes: number): Date {
  let remaining = minutes * 60_000;
  let t = start.getTime();
  if (remaining <= 0) return start;
  for (let day = 0; day < 400; day++) {
    const { intervals, nextDay } = dayOf(hours, t);
    for (const [from, to] of intervals) {
      const s = Math.max(from, t);
      if (s >= to) continue;
      if (remaining <= to - s) return new Date(s + remaining);
      remaining -= to - s;
    }
    t = nextDay;
  }
  return new Date(t + remaining);
}

/** Working milliseconds between two instants. */
export function businessMsBetween(hours: Hours, a: Date, b: Date): number {
  let total = 0;
  let t = a.getTime();
  const end = b.getTime();
  for (let day = 0; day < 400 && t < end; day++) {
    const { intervals, nextDay } = dayOf(hours, t);
    for (const [from, to] of intervals) total += Math.max(0, Math.min(to, end) - Math.max(from, t));
    t = nextDay;
  }
  return total;
}
