import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Keys derived from one master key (CALLGATE_SECRET_KEY): one encrypts secrets at rest
 * (SIP secrets, SIP passwords), another signs recording URLs. Deriving keeps each key to
 * one purpose while operators manage one value.
 */
export class Secrets {
  readonly #encryption: Buffer;
  readonly #signing: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length < 32) throw new Error('the secret key must be at least 32 bytes');
    this.#encryption = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'callgate encryption v1', 32),
    );
    this.#signing = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'callgate url signing v1', 32),
    );
  }

  /** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url; tampering fails decryption. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#encryption, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || data === undefined)
      throw new Error('not a sealed secret');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.#encryption,
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  sign(message: string): string {
    return createHmac('sha256', this.#signing).update(message).digest('base64url');
  }

  verify(message: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(message));
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

/** Reads CALLGATE_SECRET_KEY (base64 or hex of at least 32 bytes). */
export function parseSecretKey(text: string): Buffer {
  const key =
    /^[0-9a-f]+$/i.test(text) && text.length >= 64
      ? Buffer.from(text, 'hex')
      : Buffer.from(text, 'base64');
  if (key.length < 32)
    throw new Error('CALLGATE_SECRET_KEY must hold at least 32 bytes (base64 or hex)');
  return key;
}
