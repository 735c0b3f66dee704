/** Recording formats: the media types Callgate keeps, sniffing, download names. */

/** The audio formats a recording may have: what the first bytes look like, and its names. */
export const AUDIO_FORMATS = {
  wav: { contentType: 'audio/wav', extension: 'wav' },
  ogg: { contentType: 'audio/ogg', extension: 'ogg' },
  mp3: { contentType: 'audio/mpeg', extension: 'mp3' },
  aac: { contentType: 'audio/aac', extension: 'aac' },
  flac: { contentType: 'audio/flac', extension: 'flac' },
  webm: { contentType: 'audio/webm', extension: 'webm' },
  mp4: { contentType: 'audio/mp4', extension: 'm4a' },
} as const satisfies Record<string, { contentType: string; extension: string }>;
export type AudioFormat = keyof typeof AUDIO_FORMATS;

/** The media types applications send, by format; the first of each is the one stored. */
export const MEDIA_TYPES: Readonly<Record<string, AudioFormat>> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/aac': 'aac',
  'audio/x-aac': 'aac',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/webm': 'webm',
  'audio/mp4': 'mp4',
  'audio/m4a': 'mp4',
  'audio/x-m4a': 'mp4',
};

/** The format a media type (`audio/wav`, parameters already removed) names, if we keep it. */
export function formatOfMediaType(mediaType: string): AudioFormat | undefined {
  return Object.hasOwn(MEDIA_TYPES, mediaType) ? MEDIA_TYPES[mediaType] : undefined;
}

/**
 * What the first bytes of a file say it is, from the formats' magic numbers; undefined for
 * anything else. Sniffing keeps an application from storing, say, an HTML page as audio.
 *
 * @example sniffAudioFormat(Buffer.from('RIFF\0\0\0\0WAVE')) // 'wav'
 */
export function sniffAudioFormat(head: Buffer): AudioFormat | undefined {
  const ascii = (start: number, text: string) =>
    head.length >= start + text.length &&
    head.toString('latin1', start, start + text.length) === text;
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return 'wav';
  if (ascii(0, 'OggS')) return 'ogg';
  if (ascii(0, 'fLaC')) return 'flac';
  if (ascii(0, 'ID3')) return 'mp3';
  if (ascii(4, 'ftyp')) return 'mp4';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  const [b0, b1] = head;
  if (b0 === 0xff && b1 !== undefined && (b1 & 0xe0) === 0xe0) {
    // Frame sync: MPEG audio has a layer (bits 1-2 non-zero); ADTS AAC has layer 00.
    if ((b1 & 0x06) !== 0) return 'mp3';
    if ((b1 & 0xf6) === 0xf0) return 'aac';
  }
  return undefined;
}

/**
 * The file name a download is offered under: the call id (already limited to
 * [A-Za-z0-9_.-]) and the format's extension, nothing a browser could take for a path.
 *
 * @example recordingFileName('c42', 'audio/wav') // 'recording-c42.wav'
 */
export function recordingFileName(callId: string, contentType: string): string {
  const format = Object.values(AUDIO_FORMATS).find((f) => f.contentType === contentType);
  const safe = callId.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '');
  return `recording-${safe}.${format?.extension ?? 'audio'}`;
}
