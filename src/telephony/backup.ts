import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CallgateError } from '../errors.js';
import {
  type DialectName,
  type Executor,
  type Store,
  analyze,
  migrateStore,
  migrationStatus,
} from '../store/database.js';
import {
  type TableInfo,
  type TableRow,
  appliedMigrations,
  describeTables,
  firstNonEmptyTable,
  insertRows,
  readPages,
  resetSequences,
} from '../store/tables.js';
import {
  type LocalRecordingStorage,
  type StagedUpload,
  localRecordingStorage,
} from './recording-storage.js';

/**
 * Backup and restore of a whole Callgate: every table of the database and every recording
 * file, in a form no dialect owns, so a SQLite backup restores into PostgreSQL and back.
 *
 * A backup is a folder: `manifest.json` (what was taken, when, at which migration, with
 * row counts and a SHA-256 per file), `tables/<table>.jsonl` (one JSON object per row, in
 * primary-key order) and `recordings/<storage key>` (the audio, byte for byte).
 */
export const BACKUP_FORMAT = 'callgate-backup';
export const BACKUP_VERSION = 1;

export interface BackupTable {
  readonly name: string;
  readonly file: string;
  readonly columns: readonly string[];
  readonly rows: number;
  readonly sha256: string;
}

export interface BackupRecording {
  readonly accountId: string;
  readonly key: string;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: typeof BACKUP_VERSION;
  readonly createdAt: string;
  /** Where it was taken from; informative only, a backup restores into either dialect. */
  readonly dialect: DialectName;
  /** The migrations applied when it was taken, in order. */
  readonly migrations: readonly string[];
  readonly tables: readonly BackupTable[];
  readonly recordings: readonly BackupRecording[];
  /**
   * The data dir's generated `secret.key`, when asked for: it decrypts the SIP secrets in
   * the tables, so by default it stays out and is kept safe apart from the backups.
   */
  readonly secretKey: { readonly file: typeof SECRET_KEY_FILE; readonly sha256: string } | null;
}

/** The key api/services.ts generates beside the data when CALLGATE_SECRET_KEY is not set. */
export const SECRET_KEY_FILE = 'secret.key';

export interface BackupOptions {
  /** The service's data directory: recordings are read from `<dataDir>/recordings/`. */
  readonly dataDir: string;
  /** A new (or empty) folder to write the backup into. */
  readonly outDir: string;
  readonly now?: number;
  /** Called after each table is written, still inside the snapshot. */
  readonly onTable?: (table: BackupTable) => void | Promise<void>;
  /** Copy `<dataDir>/secret.key` too (the backup then opens the SIP secrets it holds). */
  readonly includeSecretKey?: boolean;
}

/**
 * Writes a point-in-time backup of the store and its recordings into `outDir`. Every table
 * is read inside one read transaction (REPEATABLE READ on PostgreSQL, one read transaction
 * on SQLite's WAL), so the service keeps running and the backup still shows one instant;
 * rows are streamed a page at a time. The backup is assembled in a sibling folder and
 * renamed into place once whole, so a failed backup leaves nothing that looks like one.
 *
 * @example await backupStore(store, { dataDir: './data', outDir: './backup-2026-11-22' })
 */
export async function backupStore(store: Store, options: BackupOptions): Promise<BackupManifest> {
  const outDir = resolve(options.outDir);
  const outExists = await refuseNonEmptyFolder(outDir);
  const staging = `${outDir}.partial-${randomUUID().slice(0, 8)}`;
  await mkdir(join(staging, 'tables'), { recursive: true });
  try {
    const secretKey = options.includeSecretKey
      ? await copySecretKey(options.dataDir, staging)
      : null;
    const storage = localRecordingStorage(options.dataDir);
    let snapshot = store.db.transaction();
    if (store.dialect === 'postgres') {
      snapshot = snapshot.setIsolationLevel('repeatable read').setAccessMode('read only');
    }
    const manifest = await snapshot.execute(async (trx) => {
      const migrations = await appliedMigrations(trx);
      const tables: BackupTable[] = [];
      const described = await describeTables(trx, store.dialect, store.schema);
      for (const table of described) {
        const written = await writeTable(trx, table, staging);
        tables.push(written);
        await options.onTable?.(written);
      }
      const recordingsTable = described.find((t) => t.name === 'recordings');
      const recordings =
        recordingsTable === undefined
          ? []
          : await copyRecordings(trx, recordingsTable, storage, staging);
      return {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date(options.now ?? Date.now()).toISOString(),
        dialect: store.dialect,
        migrations,
        tables,
        recordings,
        secretKey,
      } satisfies BackupManifest;
    });
    await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (outExists) await rmdir(outDir);
    await rename(staging, outDir);
    return manifest;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function copySecretKey(
  dataDir: string,
  folder: string,
): Promise<BackupManifest['secretKey']> {
  let key: Buffer;
  try {
    key = await readFile(join(dataDir, SECRET_KEY_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CallgateError(
      'invalid_request',
      `${join(dataDir, SECRET_KEY_FILE)} does not exist: the key comes from CALLGATE_SECRET_KEY, keep that instead`,
    );
  }
  await writeFile(join(folder, SECRET_KEY_FILE), key, { flag: 'wx', mode: 0o600 });
  return { file: SECRET_KEY_FILE, sha256: sha256Of(key) };
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Whether the folder exists; throws when it holds anything. */
async function refuseNonEmptyFolder(path: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (entries.length > 0) {
    throw new CallgateError('conflict', `${path} is not empty: a backup goes into a new folder`);
  }
  return true;
}

const tableFile = (name: string): string => `tables/${name}.jsonl`;
const recordingFile = (key: string): string => `recordings/${key}`;

async function writeTable(trx: Executor, table: TableInfo, folder: string): Promise<BackupTable> {
  const hash = createHash('sha256');
  let rows = 0;
  async function* lines(): AsyncGenerator<string> {
    for await (const page of readPages(trx, table)) {
      const text = page.map((row) => `${JSON.stringify(encodeRow(table, row))}\n`).join('');
      hash.update(text);
      rows += page.length;
      yield text;
    }
  }
  const file = tableFile(table.name);
  await pipeline(Readable.from(lines()), createWriteStream(join(folder, file), { flags: 'wx' }));
  return { name: table.name, file, columns: table.columns, rows, sha256: hash.digest('hex') };
}

/** A row as JSON: the portable types pass as they are, bytes as base64; anything else fails. */
function encodeRow(table: TableInfo, row: TableRow): TableRow {
  const encoded: TableRow = {};
  for (const column of table.columns) {
    const value = row[column];
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      encoded[column] = value;
    } else if (value instanceof Uint8Array) {
      encoded[column] = { $base64: Buffer.from(value).toString('base64') };
    } else {
      throw new Error(`${table.name}.${column}: a ${typeof value} value has no portable form`);
    }
  }
  return encoded;
}

function decodeRow(row: TableRow): TableRow {
  for (const [column, value] of Object.entries(row)) {
    if (value !== null && typeof value === 'object' && '$base64' in value) {
      row[column] = Buffer.from(String(value.$base64), 'base64');
    }
  }
  return row;
}

/**
 * Copies the file of every recording row of the snapshot. A file missing fails the backup:
 * the snapshot says it existed, so it was deleted while the backup ran and a run started
 * now will not need it.
 */
async function copyRecordings(
  trx: Executor,
  table: TableInfo,
  storage: LocalRecordingStorage,
  folder: string,
): Promise<BackupRecording[]> {
  const copied: BackupRecording[] = [];
  for await (const page of readPages(trx, table)) {
    for (const row of page) {
      const accountId = String(row.account_id);
      const key = String(row.storage_key);
      const file = recordingFile(checkKey(key));
      const opened = await storage.open(key);
      if (opened === undefined) {
        throw new Error(
          `recording file ${key} (call ${String(row.call_id)}) is missing; if it was deleted during the backup, run the backup again`,
        );
      }
      const target = join(folder, file);
      await mkdir(dirname(target), { recursive: true });
      const { sha256, bytes } = await copyHashing(opened.stream(), target);
      copied.push({ accountId, key, file, bytes, sha256 });
    }
  }
  return copied;
}

async function copyHashing(
  source: Readable,
  target: string,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(source, meter, createWriteStream(target, { flags: 'wx' }));
  return { sha256: hash.digest('hex'), bytes };
}

/** A storage key as a path inside the backup: relative, without `.` or `..` segments. */
function checkKey(key: string): string {
  const segments = key.split('/');
  if (
    key.includes('\\') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))
  ) {
    throw new CallgateError('invalid_request', `recording key ${JSON.stringify(key)} is unsafe`);
  }
  return key;
}

export interface RestoreOptions {
  /** The data directory recordings are restored into: `<dataDir>/recordings/`. */
  readonly dataDir: string;
  /** The backup folder. */
  readonly fromDir: string;
}

export interface RestoreSummary {
  readonly tables: number;
  readonly rows: number;
  readonly recordings: number;
  /** Whether the backup's secret key was written into the data dir. */
  readonly secretKey: boolean;
}

/**
 * Restores a backup into an empty database and data directory. Refuses (409 conflict) a
 * database that holds any row or a recording file that exists; refuses (400
 * invalid_request) a backup whose files do not match their checksums, all before writing.
 * Then migrates the schema to the backup's migration, inserts every row in one transaction,
 * moves PostgreSQL's sequences past the restored ids, stages and places the recordings
 * before the commit, and migrates on to the latest schema. Anything failing leaves the
 * database empty and no recording file behind.
 *
 * @example await restoreStore(await openStore(url, { migrate: false }), { dataDir, fromDir })
 */
export async function restoreStore(store: Store, options: RestoreOptions): Promise<RestoreSummary> {
  const fromDir = resolve(options.fromDir);
  const manifest = await readManifest(fromDir);
  await verifyChecksums(fromDir, manifest);
  await checkMigrations(store, manifest.migrations);
  await refuseNonEmptyDatabase(store);
  const storage = localRecordingStorage(options.dataDir);
  await refuseTakenKeys(storage, manifest.recordings);
  const writeKey = manifest.secretKey !== null && (await needsSecretKey(options.dataDir, fromDir));
  await migrateStore(store, manifest.migrations.at(-1));
  const tables = await describeTables(store.db, store.dialect, store.schema);
  const entries = matchTables(tables, manifest.tables);
  const staged: StagedUpload[] = [];
  const placed: string[] = [];
  let keyPlaced = false;
  try {
    await store.db.transaction().execute(async (trx) => {
      for (const table of tables) await restoreTable(trx, table, entries.get(table.name)!, fromDir);
      await resetSequences(trx, store.dialect, store.schema, tables);
      // Staged (and checked again) before any is placed; placed last, so a failure anywhere
      // before the commit removes them all.
      for (const recording of manifest.recordings) {
        staged.push(await stageRecording(storage, fromDir, recording));
      }
      for (const [i, recording] of manifest.recordings.entries()) {
        await storage.placeAt(staged[i]!, recording.key);
        placed.push(recording.key);
      }
      if (writeKey) keyPlaced = await placeSecretKey(options.dataDir, fromDir, manifest);
    });
  } catch (error) {
    await Promise.all(staged.map((upload) => storage.discard(upload)));
    await Promise.all(placed.map((key) => storage.remove(key)));
    if (keyPlaced) await rm(join(options.dataDir, SECRET_KEY_FILE), { force: true });
    throw error;
  }
  await migrateStore(store);
  await analyze(store.db);
  return {
    tables: tables.length,
    rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0),
    recordings: manifest.recordings.length,
    secretKey: writeKey,
  };
}

async function refuseNonEmptyDatabase(store: Store): Promise<void> {
  const tables = await describeTables(store.db, store.dialect, store.schema);
  const full = await firstNonEmptyTable(store.db, tables);
  if (full === undefined) return;
  throw new CallgateError(
    'conflict',
    `the database already holds data (table ${full}): restore into an empty database`,
    { table: full },
  );
}

/**
 * Whether the backup's key must be written: not when the data dir holds the very same key;
 * refused (409) when it holds another, which the restored secrets would not open with.
 */
async function needsSecretKey(dataDir: string, fromDir: string): Promise<boolean> {
  let existing: Buffer;
  try {
    existing = await readFile(join(dataDir, SECRET_KEY_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  if (existing.equals(await readFile(join(fromDir, SECRET_KEY_FILE)))) return false;
  throw new CallgateError(
    'conflict',
    `${join(dataDir, SECRET_KEY_FILE)} holds another key than the backup's; the restored SIP secrets need the backup's`,
  );
}

/** Writes the key to a temporary name, then links it into place: whole or not at all. */
async function placeSecretKey(
  dataDir: string,
  fromDir: string,
  manifest: BackupManifest,
): Promise<boolean> {
  const key = await readFile(join(fromDir, SECRET_KEY_FILE));
  if (sha256Of(key) !== manifest.secretKey?.sha256) {
    throw corrupt(`${SECRET_KEY_FILE} changed during the restore`);
  }
  await mkdir(dataDir, { recursive: true });
  const temporary = join(dataDir, `.${SECRET_KEY_FILE}-${randomUUID()}.part`);
  await writeFile(temporary, key, { flag: 'wx', mode: 0o600 });
  try {
    await link(temporary, join(dataDir, SECRET_KEY_FILE));
  } finally {
    await rm(temporary, { force: true });
  }
  return true;
}

function corrupt(message: string): CallgateError {
  return new CallgateError('invalid_request', `not a usable backup: ${message}`);
}

async function readManifest(folder: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(folder, 'manifest.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw corrupt(`${folder} has no manifest.json`);
    throw error;
  }
  let parsed: Partial<Record<keyof BackupManifest, unknown>>;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw corrupt('manifest.json is not JSON');
  }
  if (parsed.format !== BACKUP_FORMAT || parsed.version !== BACKUP_VERSION) {
    throw corrupt(`manifest.json is not a ${BACKUP_FORMAT} version ${BACKUP_VERSION} manifest`);
  }
  const { migrations, tables, recordings, secretKey } = parsed;
  if (
    !isListOf(migrations, isText) ||
    migrations.length === 0 ||
    !isListOf(tables, isTableEntry) ||
    !isListOf(recordings, isRecordingEntry) ||
    !(secretKey === null || isSecretKeyEntry(secretKey))
  ) {
    throw corrupt('manifest.json lacks its migrations, or a table or recording entry is malformed');
  }
  for (const table of tables) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table.name) || table.file !== tableFile(table.name)) {
      throw corrupt(`table entry ${JSON.stringify(table.name)} names an unexpected file`);
    }
  }
  for (const recording of recordings) {
    if (recording.file !== recordingFile(checkKey(recording.key))) {
      throw corrupt(`recording ${JSON.stringify(recording.key)} names an unexpected file`);
    }
  }
  const manifest = parsed as BackupManifest;
  return manifest;
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function isListOf<T>(value: unknown, item: (entry: unknown) => entry is T): value is T[] {
  return Array.isArray(value) && (value as unknown[]).every(item);
}

function isTableEntry(value: unknown): value is BackupTable {
  const entry = (value ?? {}) as Partial<Record<keyof BackupTable, unknown>>;
  return (
    typeof value === 'object' &&
    isText(entry.name) &&
    isText(entry.file) &&
    isListOf(entry.columns, isText) &&
    isCount(entry.rows) &&
    isText(entry.sha256)
  );
}

function isSecretKeyEntry(value: unknown): value is BackupManifest['secretKey'] {
  const entry = (value ?? {}) as Partial<Record<'file' | 'sha256', unknown>>;
  return typeof value === 'object' && entry.file === SECRET_KEY_FILE && isText(entry.sha256);
}

function isRecordingEntry(value: unknown): value is BackupRecording {
  const entry = (value ?? {}) as Partial<Record<keyof BackupRecording, unknown>>;
  return (
    typeof value === 'object' &&
    isText(entry.accountId) &&
    isText(entry.key) &&
    isText(entry.file) &&
    isCount(entry.bytes) &&
    isText(entry.sha256)
  );
}

/** Every file of the backup hashed and compared with the manifest, before anything is written. */
async function verifyChecksums(folder: string, manifest: BackupManifest): Promise<void> {
  const files = [
    ...manifest.tables,
    ...manifest.recordings,
    ...(manifest.secretKey === null ? [] : [manifest.secretKey]),
  ];
  for (const entry of files) {
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(join(folder, entry.file))) {
        hash.update(chunk as Buffer);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw corrupt(`${entry.file} is missing`);
      throw error;
    }
    if (hash.digest('hex') !== entry.sha256) {
      throw corrupt(`${entry.file} does not match its checksum`);
    }
  }
}

/**
 * The backup's migrations must be the first ones this build knows, and the database may be
 * no further along than the backup: migrations are not undone.
 */
async function checkMigrations(store: Store, taken: readonly string[]): Promise<void> {
  const { known, applied } = await migrationStatus(store);
  if (taken.some((name, i) => known[i] !== name)) {
    throw corrupt(
      `it was taken at migration ${taken.at(-1)}, which this version of Callgate does not know (its latest is ${known.at(-1)})`,
    );
  }
  if (applied.length > taken.length) {
    throw new CallgateError(
      'conflict',
      `the database is already at migration ${applied.at(-1)}, past the backup's ${taken.at(-1)}: restore into a database this version has not opened`,
    );
  }
}

async function refuseTakenKeys(
  storage: LocalRecordingStorage,
  recordings: readonly BackupRecording[],
): Promise<void> {
  for (const { key } of recordings) {
    const existing = await storage.open(key);
    if (existing === undefined) continue;
    await existing.close();
    throw new CallgateError('conflict', `recording file ${key} already exists in the data dir`, {
      key,
    });
  }
}

/** Each table of the database has its entry in the backup, with the same columns. */
function matchTables(
  tables: readonly TableInfo[],
  entries: readonly BackupTable[],
): Map<string, BackupTable> {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const names = new Set(tables.map((t) => t.name));
  const extra = entries.filter((e) => !names.has(e.name)).map((e) => e.name);
  const missing = tables.filter((t) => !byName.has(t.name)).map((t) => t.name);
  if (extra.length > 0 || missing.length > 0) {
    throw corrupt(
      `its tables do not match the schema at its migration (${[
        ...missing.map((n) => `missing ${n}`),
        ...extra.map((n) => `unknown ${n}`),
      ].join(', ')})`,
    );
  }
  for (const table of tables) {
    const columns = byName.get(table.name)!.columns;
    const same =
      columns.length === table.columns.length && table.columns.every((c) => columns.includes(c));
    if (!same) {
      throw corrupt(
        `table ${table.name} has columns ${columns.join(', ')}; the schema has ${table.columns.join(', ')}`,
      );
    }
  }
  return byName;
}

const RESTORE_BATCH = 1000;

/**
 * Streams one table's file into the table, a batch at a time, hashing it again as it goes:
 * a file changed since it was verified fails the restore instead of loading unchecked rows.
 */
async function restoreTable(
  trx: Executor,
  table: TableInfo,
  entry: BackupTable,
  folder: string,
): Promise<void> {
  const hash = createHash('sha256');
  const input = createReadStream(join(folder, entry.file));
  input.on('data', (chunk) => hash.update(chunk));
  let rows = 0;
  let batch: TableRow[] = [];
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line === '') continue;
    batch.push(decodeRow(JSON.parse(line) as TableRow));
    rows++;
    if (batch.length === RESTORE_BATCH) {
      await insertRows(trx, table, entry.columns, batch);
      batch = [];
    }
  }
  await insertRows(trx, table, entry.columns, batch);
  if (hash.digest('hex') !== entry.sha256)
    throw corrupt(`${entry.file} changed during the restore`);
  if (rows !== entry.rows) {
    throw corrupt(`${entry.file} holds ${rows} rows, the manifest says ${entry.rows}`);
  }
}

async function stageRecording(
  storage: LocalRecordingStorage,
  folder: string,
  recording: BackupRecording,
): Promise<StagedUpload> {
  const upload = await storage.receive(
    recording.accountId,
    createReadStream(join(folder, recording.file)),
    recording.bytes,
  );
  if (upload.sha256 !== recording.sha256 || upload.sizeBytes !== recording.bytes) {
    await storage.discard(upload);
    throw corrupt(`${recording.file} changed during the restore`);
  }
  return upload;
}
