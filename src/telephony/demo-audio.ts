import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { callsWithRecordings } from '../store/recordings.js';
import type { Database } from '../store/schema.js';
import { DEMO_ACCOUNT_ID } from './demo.js';
import { localRecordingStorage } from './recording-storage.js';
import { uploadRecording } from './recordings/upload.js';

const SAMPLE_RATE = 8000;
const AMPLITUDE = 0.28 * 32767;
const FADE_SAMPLES = 40; // 5 ms: tones start and stop without a click

/** DTMF: each key is one low (row) and one high (column) frequency. */
const DTMF: Readonly<Record<string, readonly [number, number]>> = {
  '1': [697, 1209],
  '2': [697, 1336],
  '3': [697, 1477],
  '4': [770, 1209],
  '5': [770, 1336],
  '6': [770, 1477],
  '7': [852, 1209],
  '8': [852, 1336],
  '9': [852, 1477],
  '*': [941, 1209],
  '0': [941, 1336],
  '#': [941, 1477],
};
const KEYS = Object.keys(DTMF);

/** One stretch of sound: the frequencies played together (none: silence), for `ms`. */
interface Segment {
  readonly tones: readonly number[];
  readonly ms: number;
}

/**
 * A short call-like recording as a WAV file (8 kHz, 16-bit mono PCM): a ring-back tone, a
 * few keypad digits, then beeps until 3 to 6 seconds have passed. The same seed gives the
 * same bytes; different seeds give different digits and lengths, so each demo call sounds
 * (and hashes) its own.
 *
 * @example writeFileSync('demo.wav', generateDemoWav(7))
 */
export function generateDemoWav(seed: number): Buffer {
  let state = (seed * 2654435761 + 1) >>> 0;
  const next = (n: number): number => {
    // xorshift32: a fixed sequence per seed, so the demo is the same on every machine.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
  const totalMs = 3000 + next(7) * 500;
  const segments: Segment[] = [
    { tones: [440, 480], ms: 1000 },
    { tones: [], ms: 300 },
  ];
  const digits = 4 + next(5);
  for (let i = 0; i < digits; i++) {
    segments.push({ tones: DTMF[KEYS[next(KEYS.length)]!]!, ms: 160 });
    segments.push({ tones: [], ms: 90 });
  }
  const beep = [600, 750, 900][next(3)]!;
  let used = segments.reduce((sum, s) => sum + s.ms, 0);
  while (used < totalMs) {
    const ms = Math.min(200, totalMs - used);
    segments.push({ tones: [beep], ms });
    used += ms;
    if (used >= totalMs) break;
    const gap = Math.min(400, totalMs - used);
    segments.push({ tones: [], ms: gap });
    used += gap;
  }
  return encodeWav(renderSegments(segments));
}

function renderSegments(segments: readonly Segment[]): Int16Array {
  const total = segments.reduce((sum, s) => sum + (s.ms * SAMPLE_RATE) / 1000, 0);
  const samples = new Int16Array(total);
  let offset = 0;
  for (const { tones, ms } of segments) {
    const length = (ms * SAMPLE_RATE) / 1000;
    if (tones.length > 0) {
      for (let i = 0; i < length; i++) {
        const t = i / SAMPLE_RATE;
        let value = 0;
        for (const frequency of tones) value += Math.sin(2 * Math.PI * frequency * t);
        const fade = Math.min(1, i / FADE_SAMPLES, (length - 1 - i) / FADE_SAMPLES);
        samples[offset + i] = Math.round((value / tones.length) * AMPLITUDE * fade);
      }
    }
    offset += length;
  }
  return samples;
}

/** A canonical 44-byte RIFF/WAVE header and the samples, little endian. */
function encodeWav(samples: Int16Array): Buffer {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16); // PCM format chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(SAMPLE_RATE, 24);
  wav.writeUInt32LE(SAMPLE_RATE * 2, 28); // bytes per second
  wav.writeUInt16LE(2, 32); // bytes per frame
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) wav.writeInt16LE(samples[i]!, 44 + i * 2);
  return wav;
}

export interface DemoRecordingOptions {
  readonly db: Kysely<Database>;
  /** The service's data directory: recordings go to `<dataDir>/recordings/`. */
  readonly dataDir: string;
  readonly now?: number;
  /** Every how many answered calls one gets a recording. */
  readonly every?: number;
  readonly accountId?: string;
}

/**
 * Gives every `every`-th answered call of the demo account (10th by default) a generated
 * recording, through the same use case as an upload, so the player, downloads and signed
 * URLs have something to play. Calls that already have a recording are left alone, so it
 * may run again. Answers how many recordings it added.
 *
 * @example await seedDemoRecordings({ db: services.store.db, dataDir: services.config.dataDir, now: services.now() })
 */
export async function seedDemoRecordings(options: DemoRecordingOptions): Promise<number> {
  const { db } = options;
  const accountId = options.accountId ?? DEMO_ACCOUNT_ID;
  const every = options.every ?? 10;
  const now = options.now ?? Date.now();
  const storage = localRecordingStorage(options.dataDir);
  const answered = await db
    .selectFrom('calls')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', '=', 'answered')
    .orderBy('id')
    .execute();
  const chosen = answered.filter((_, i) => i % every === 0).map((row) => row.id);
  const done = await callsWithRecordings(db, accountId, chosen);
  let added = 0;
  for (const [i, callId] of chosen.entries()) {
    if (done.has(callId)) continue;
    const wav = generateDemoWav(i);
    await uploadRecording(db, storage, {
      accountId,
      callId,
      mediaType: 'audio/wav',
      declaredBytes: wav.length,
      source: Readable.from([wav]),
      maxBytes: wav.length,
      actor: 'system',
      appId: null,
      replacingAs: null,
      now,
    });
    added++;
  }
  return added;
}
