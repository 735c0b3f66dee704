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
