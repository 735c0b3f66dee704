/** Formatting shared by the pages: dates, durations, money, call words. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** A UTC day key (YYYY-MM-DD) as "Nov 2". */
export function formatDay(key: string): string {
  const date = new Date(`${key}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? key : dayFormat.format(date);
}

/** 95 → "1:35"; 3700 → "1:01:40". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

export function formatMinutes(seconds: number): string {
  return `${Math.round(seconds / 60).toLocaleString()} min`;
}

const compact = new Intl.NumberFormat(undefined, {
  notation: 'compact',
  maximumFractionDigits: 1,
});

/**
 * A count short enough for a tile or an axis (issue 13: "6,962,942" overflowed its tile).
 *
 * @example formatCompact(1_234_567) // "1.2M"; formatCompact(950) // "950"
 */
export function formatCompact(value: number): string {
  return compact.format(value);
}

/**
 * A total talk time in hours and minutes, compact once it runs into thousands of hours.
 *
 * @example formatTalkTime(2_700) // "45 min"; formatTalkTime(9_000) // "2 h 30 min";
 *          formatTalkTime(417_776_520) // "116K h"
 */
export function formatTalkTime(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 10) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${formatCompact(Math.round(minutes / 60))} h`;
}

/**
 * Round axis ticks from 0 that cover `max` in about `count` steps of 1, 2, 2.5 or 5 times a
 * power of ten; whole numbers only, since the charts count calls and minutes.
 *
 * @example niceTicks(1_000_000) // [0, 250000, 500000, 750000, 1000000]; niceTicks(3) // [0, 1, 2, 3]
 */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(
    1,
    [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power,
  );
  // 2.5 × 1 is no whole step: round it up rather than show "2.5 calls".
  const whole = Number.isInteger(step) ? step : Math.ceil(step);
  const ticks: number[] = [];
  for (let t = 0; t < max + whole; t += whole) {
    ticks.push(t);
    if (t >= max) break;
  }
  return ticks;
}

export function formatMoney(amount: number | null, currency: string | null): string {
  if (amount === null) return '—';
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency ?? 'USD',
    }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency ?? ''}`.trim();
  }
}

/**
 * Money in a tile: compact from ten thousand up ("$80K", "$1.2M"); "$80,047.06" overflowed
 * a tile at 1280×800 on the large demo.
 */
export function formatMoneyCompact(amount: number, currency: string): string {
  if (Math.abs(amount) < 10_000) return formatMoney(amount, currency);
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(amount);
  } catch {
    return `${formatCompact(amount)} ${currency}`;
  }
}

export const DIRECTION_LABEL: Readonly<Record<string, string>> = {
  inbound: 'Inbound',
  outbound: 'Outbound',
  callback: 'Callback',
  internal: 'Internal',
};

export const STATUS_LABEL: Readonly<Record<string, string>> = {
  answered: 'Answered',
  missed: 'Missed',
  busy: 'Busy',
  failed: 'Failed',
  placed: 'Placed',
};

/** A date input's value (YYYY-MM-DD, local) as the ISO instant its day starts at. */
export function startOfDay(value: string): string | undefined {
  if (value === '') return undefined;
  const date = new Date(`${value}T00:00:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A date input's value as the ISO instant the next day starts at (an exclusive end). */
export function endOfDay(value: string): string | undefined {
  const start = startOfDay(value);
  if (start === undefined) return undefined;
  const date = new Date(start);
  date.setDate(date.getDate() + 1);
  return date.toISOString();
}
