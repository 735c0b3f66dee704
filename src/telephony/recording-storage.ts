import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CallgateError } from '../errors.js';

/** How many leading bytes of an upload are kept for sniffing its format. */
export const SNIFF_BYTES = 16;

/** An upload received into a temporary place, not yet a recording anyone can reach. */
export interface StagedUpload {
  readonly accountId: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** The first {@link SNIFF_BYTES} bytes (fewer if the upload is shorter). */
  readonly head: Buffer;
  /** Opaque to callers: where the storage keeps the upload until it is placed or discarded. */
  readonly handle: string;
}

/** A stored recording opened for reading, whole or one byte range. */
export interface OpenedRecording {
  /** The size of the stored file, which a response's Content-Length and Range rely on. */
  readonly sizeBytes: number;
  /** Streams bytes `start` to `end` inclusive (the whole file without a range). */
  stream(range?: { readonly start: number; readonly end: number }): Readable;
  /** Releases the file when no stream was taken. */
  close(): Promise<void>;
}

/** A file the storage holds: a staged upload or a stored recording. */
export interface StoredFile {
  /** Its key (for a staged upload, its handle): what {@link RecordingStorage.remove} takes. */
  readonly key: string;
  readonly accountId: string;
  /** A temporary upload file, never a recording anyone can reach. */
  readonly staged: boolean;
  /** When it was last written, epoch milliseconds. */
  readonly modifiedAt: number;
}

/**
 * Where recordings' audio lives. Keys are chosen by the storage and kept in the database
 * (`recordings.storage_key`); every upload gets a new key, so replacing a recording never
 * overwrites a file someone may be reading.
 */
export interface RecordingStorage {
  /**
   * Streams `source` into a temporary place, counting and hashing as it goes, and refuses
   * (413 payload_too_large) past `maxBytes`. Nothing is left behind when it fails.
   */
  receive(accountId: string, source: Readable, maxBytes: number): Promise<StagedUpload>;
  /** Moves a staged upload into place, atomically; answers its key. */
  place(upload: StagedUpload, callId: string, extension: string): Promise<string>;
  /** Throws a staged upload away. */
  discard(upload: StagedUpload): Promise<void>;
  /** Opens a stored recording; undefined when its file is missing. */
  open(key: string): Promise<OpenedRecording | undefined>;
  /** Removes a stored recording (or a staged upload, by its handle); a missing file is not an error. */
  remove(key: string): Promise<void>;
  /** Every file held, account by account, for the start-up sweep of what a crash left. */
  files(): AsyncIterable<StoredFile>;
}

/** The local-disk storage of a data directory: `<dataDir>/recordings/<accountId>/…`. */
export function localRecordingStorage(dataDir: string): LocalRecordingStorage {
  return new LocalRecordingStorage(join(dataDir, 'recordings'));
}

/**
 * Recordings as files under one root, one folder per account. Uploads are written to a
 * temporary file in the account's folder, so placing one is a rename within one file
 * system: readers see the whole file or nothing.
 */
export class LocalRecordingStorage implements RecordingStorage {
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
  }

  async receive(accountId: string, source: Readable, maxBytes: number): Promise<StagedUpload> {
    const folder = accountFolder(accountId);
    await mkdir(this.#path(folder), { recursive: true });
    const handle = `${folder}/${STAGED_PREFIX}${randomUUID()}${STAGED_SUFFIX}`;
    const path = this.#path(handle);
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headBytes = 0;
    let sizeBytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sizeBytes += chunk.length;
        if (sizeBytes > maxBytes) {
          callback(
            new CallgateError(
              'payload_too_large',
              `a recording may hold at most ${maxBytes} bytes`,
              { maxBytes },
            ),
          );
          return;
        }
        hash.update(chunk);
        if (headBytes < SNIFF_BYTES) {
          const part = chunk.subarray(0, SNIFF_BYTES - headBytes);
          head.push(part);
          headBytes += part.length;
        }
        callback(null, chunk);
      },
    });
    // The request is piped, not put in the pipeline: refusing an upload must not destroy
    // the request (and with it the socket the refusal is answered on).
    const onSourceError = (error: Error) => meter.destroy(error);
    const onSourceClose = () => {
      if (!source.readableEnded) meter.destroy(new Error('the upload was aborted'));
    };
    source.on('error', onSourceError);
    source.on('close', onSourceClose);
    try {
      source.pipe(meter);
      await pipeline(meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      source.unpipe(meter);
      await rm(path, { force: true });
      throw error;
    } finally {
      source.off('error', onSourceError);
      source.off('close', onSourceClose);
    }
    return {
      accountId,
      sizeBytes,
      sha256: hash.digest('hex'),
      head: Buffer.concat(head),
      handle,
    };
  }

  async place(upload: StagedUpload, callId: string, extension: string): Promise<string> {
    const key = `${accountFolder(upload.accountId)}/${callId}.${randomUUID()}.${extension}`;
    await rename(this.#path(upload.handle), this.#path(key));
    return key;
  }

  /**
   * Moves a staged upload to a key given by the caller, as a restore needs (the database
   * rows name the keys); refuses (409 conflict) a key that is taken, never overwriting it.
   * A hard link, then the staged name removed: the file appears whole or not at all.
   */
  async placeAt(upload: StagedUpload, key: string): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    try {
      await link(this.#path(upload.handle), path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new CallgateError('conflict', `recording file ${key} already exists`, { key });
    }
    await rm(this.#path(upload.handle), { force: true });
  }

  async discard(upload: StagedUpload): Promise<void> {
    await rm(this.#path(upload.handle), { force: true });
  }

  async open(key: string): Promise<OpenedRecording | undefined> {
    let file;
    try {
      file = await open(this.#path(key), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const { size } = await file.stat();
    return {
      sizeBytes: size,
      stream: (range) =>
        file.createReadStream(range === undefined ? {} : { start: range.start, end: range.end }),
      close: () => file.close(),
    };
  }

  async remove(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  async *files(): AsyncIterable<StoredFile> {
    const folders = await readdir(this.#root, { withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      },
    );
    for (const folder of folders) {
      if (!folder.isDirectory()) continue;
      const accountId = accountOfFolder(folder.name);
      for (const entry of await readdir(join(this.#root, folder.name), { withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const key = `${folder.name}/${entry.name}`;
        // Gone meanwhile (an upload placed or discarded): nothing to sweep.
        const stats = await stat(this.#path(key)).catch(() => undefined);
        if (stats === undefined) continue;
        yield {
          key,
          accountId,
          staged: entry.name.startsWith(STAGED_PREFIX) && entry.name.endsWith(STAGED_SUFFIX),
          modifiedAt: stats.mtimeMs,
        };
      }
    }
  }

  /** A key as a path under the root; a key that would leave the root is refused. */
  #path(key: string): string {
    const path = resolve(this.#root, key);
    const inside = relative(this.#root, path);
    if (inside === '' || isAbsolute(inside) || inside.split(sep).includes('..')) {
      throw new Error(`recording storage key ${JSON.stringify(key)} leaves the storage root`);
    }
    return path;
  }
}

const STAGED_PREFIX = '.upload-';
const STAGED_SUFFIX = '.part';

/**
 * An account's folder name. Ids match [A-Za-z0-9_.-]{1,64}, so only `.` and `..` would
 * mean something else on disk; `%` is not an id character, so their escapes collide with
 * nothing.
 */
function accountFolder(accountId: string): string {
  return /^\.+$/.test(accountId) ? accountId.replaceAll('.', '%2E') : accountId;
}

/** The account a folder belongs to: {@link accountFolder} undone. */
function accountOfFolder(folder: string): string {
  return /^(%2E)+$/.test(folder) ? folder.replaceAll('%2E', '.') : folder;
}
