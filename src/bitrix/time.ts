/** Bitrix24's `time` block: when a call started and finished, in epoch seconds and ISO 8601. */
export interface TimeBlock {
  readonly start: number;
  readonly finish: number;
  readonly duration: number;
  readonly processing: number;
  readonly date_start: string;
  readonly date_finish: string;
  readonly operating_reset_at: number;
  readonly operating: number;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

/**
 * The time block of a call that started at `startedAt` (epoch ms) and took `durationMs`.
 * Callgate keeps no per-method time budget, so `operating` is always 0.
 */
export function timeBlock(startedAt: number, durationMs: number): TimeBlock {
  const finishedAt = startedAt + durationMs;
  return {
    start: startedAt / 1000,
    finish: finishedAt / 1000,
    duration: durationMs / 1000,
    processing: durationMs / 1000,
    date_start: iso(startedAt),
    date_finish: iso(finishedAt),
    operating_reset_at: Math.floor(startedAt / 1000) + 600,
    operating: 0,
  };
}
