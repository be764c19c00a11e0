/** `GET /health`: is the data fresh, how much is there, is a sync running, what index is in memory. */
import type { SyncState } from '#store/types.ts';
import type { IndexSnapshot } from './index-cache.ts';
import type { HealthResponse } from './schemas.ts';

/** A daily sync that has not completed for this long is stale. */
export const STALE_AFTER_MS = 48 * 3600 * 1000;

export function healthReport(
  state: SyncState | undefined,
  snapshot: IndexSnapshot<unknown> | undefined,
  nowMs: number,
): { statusCode: number; body: Omit<HealthResponse, 'dataSyncedAt'> } {
  const lastSuccessAt = state?.lastSuccessAt ?? null;
  let status: HealthResponse['status'];
  if (!state || !snapshot) status = 'unavailable';
  else if (!lastSuccessAt) status = 'empty';
  else if (nowMs - Date.parse(lastSuccessAt) > STALE_AFTER_MS) status = 'stale';
  else status = 'ok';
  return {
    statusCode: status === 'unavailable' ? 503 : 200,
    body: {
      status,
      lastSuccessAt,
      dataTimestamp: state?.dataTimestamp ?? null,
      trialCount: state?.trialCount ?? snapshot?.trialCount ?? null,
      syncRunning: Boolean(state?.running || state?.cursor),
      lastSyncErrorAt: state?.lastError?.at ?? null,
      index: {
        loaded: snapshot !== undefined,
        version: snapshot?.version ?? null,
        loadedAt: snapshot ? new Date(snapshot.loadedAt).toISOString() : null,
        ageSeconds: snapshot ? Math.round((nowMs - snapshot.loadedAt) / 1000) : null,
        trials: snapshot?.trialCount ?? null,
        source: snapshot?.source ?? null,
        loadMs: snapshot?.loadMs ?? null,
        currentVersion: state?.indexVersion ?? null,
      },
    },
  };
}
