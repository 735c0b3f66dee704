/**
 * Token buckets kept in memory, one per key (a token, an address): `rate` requests a second
 * on average, bursts up to `burst`. Per server: behind a load balancer each server limits
 * on its own, which bounds the total at servers × rate.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  /** Takes one request's worth for `key`; when none is left, says how many seconds to wait. */
  take(
    key: string,
    now: number,
  ): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const bucket = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
    // Clocks can step back; a step back must not take tokens away.
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.rate,
    );
    bucket.at = now;
    if (this.#buckets.size > 100_000) this.#forgetFull(now);
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate)),
    };
  }

  /** Buckets that have refilled are the same as no bucket: drop them to bound memory. */
  #forgetFull(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.rate >= this.burst)
        this.#buckets.delete(key);
    }
  }
}
