import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026-11-22-1-initial.js';
import * as service from './2026-11-22-2-service.js';
import * as sessions from './2026-11-22-3-sessions.js';
import * as callIndexes from './2026-11-22-4-call-indexes.js';
import * as callListWindows from './2026-11-22-5-call-list-windows.js';
import * as departmentReach from './2026-11-22-6-department-reach.js';
import * as auditChain from './2026-11-22-7-audit-chain.js';
import * as playbackSessions from './2026-12-06-01-playback-sessions.js';
import * as writePositions from './2026-12-06-02-write-positions.js';
import * as userIncarnation from './2026-12-06-10-user-incarnation.js';
import * as uniqueSipLogin from './2026-12-06-11-unique-sip-login.js';
import * as lineAccess from './2026-12-06-20-line-access.js';
import * as recordingRetention from './2026-12-06-30-recording-retention.js';
import * as bitrix from './2026-12-06-40-bitrix.js';
import * as directorySearch from './2026-12-06-50-directory-search.js';
import * as sipConnections from './2026-12-06-60-sip-connections.js';
import * as externalCalls from './2026-12-06-70-external-calls.js';
import * as partitionedCalls from './2026-12-06-80-partitioned-calls.js';
import * as callSorts from './2026-12-06-85-call-sorts.js';
import * as callDayTotals from './2026-12-06-90-call-day-totals.js';
import * as callDayTotalsByDay from './2026-12-06-95-call-day-totals-by-day.js';

/**
 * Every migration, named by date and sequence: Kysely runs them in the order of their
 * names, so the names must sort in the order they were written.
 */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-22-1-initial': initial,
  '2026-11-22-2-service': service,
  '2026-11-22-3-sessions': sessions,
  '2026-11-22-4-call-indexes': callIndexes,
  '2026-11-22-5-call-list-windows': callListWindows,
  '2026-11-22-6-department-reach': departmentReach,
  '2026-11-22-7-audit-chain': auditChain,
  '2026-12-06-01-playback-sessions': playbackSessions,
  '2026-12-06-02-write-positions': writePositions,
  '2026-12-06-10-user-incarnation': userIncarnation,
  '2026-12-06-11-unique-sip-login': uniqueSipLogin,
  '2026-12-06-20-line-access': lineAccess,
  '2026-12-06-30-recording-retention': recordingRetention,
  '2026-12-06-40-bitrix': bitrix,
  '2026-12-06-50-directory-search': directorySearch,
  '2026-12-06-60-sip-connections': sipConnections,
  '2026-12-06-70-external-calls': externalCalls,
  '2026-12-06-80-partitioned-calls': partitionedCalls,
  '2026-12-06-85-call-sorts': callSorts,
  '2026-12-06-90-call-day-totals': callDayTotals,
  '2026-12-06-95-call-day-totals-by-day': callDayTotalsByDay,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
