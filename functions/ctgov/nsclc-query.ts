/**
 * What "NSCLC-relevant" means for ingest (ctgov-api-notes §C6). Recall comes first: sponsors
 * write conditions freely, so several spellings and MeSH headings are asked for, plus the
 * solid-tumour basket trials whose text mentions lung cancer (they often never name NSCLC in
 * their conditions). All statuses: status is filtered at match time, so a trial that closes
 * is seen closing. Whether a study truly admits NSCLC is decided later, from its criteria.
 */
import type { StudiesQuery } from './client-types.ts';

/** One named query; `name` is for logs, queryKey() is the identity. */
interface NamedQuery {
  name: string;
  cond: string;
  term?: string;
}

const LUNG_TEXT = '"non-small cell lung" OR "non small cell lung" OR NSCLC OR "lung cancer"';

const QUERIES: readonly NamedQuery[] = [
  { name: 'nsclc-abbreviation', cond: 'NSCLC' },
  { name: 'nsclc-spelled', cond: '"non-small cell lung cancer" OR "non small cell lung cancer"' },
  { name: 'nsclc-mesh', cond: '"Carcinoma, Non-Small-Cell Lung"' },
  {
    name: 'nsclc-histologies',
    cond:
      '"lung adenocarcinoma" OR "adenocarcinoma of lung" OR "adenocarcinoma of the lung" OR ' +
      '"squamous cell lung carcinoma" OR "lung squamous cell carcinoma" OR ' +
      '"squamous cell carcinoma of the lung" OR "large cell lung carcinoma"',
  },
  {
    name: 'lung-neoplasms',
    cond: '"Lung Neoplasms" OR "lung cancer" OR "lung carcinoma" OR "lung tumor"',
  },
  {
    name: 'solid-tumour-basket',
    cond:
      '"solid tumor" OR "solid tumour" OR "solid cancer" OR "solid neoplasm" OR ' +
      '"advanced malignancies" OR "advanced cancer" OR "metastatic cancer"',
    term: LUNG_TEXT,
  },
];

/** filter.advanced for "updated on or after this day" (yyyy-MM-dd; the API has day granularity). */
export function updatedSinceFilter(updatedSince: string): string {
  const day = updatedSince.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new Error(`updatedSince must start with a yyyy-MM-dd date, got '${updatedSince}'`);
  }
  return `AREA[LastUpdatePostDate]RANGE[${day},MAX]`;
}

/**
 * The query set. With `updatedSince` (yyyy-MM-dd…; the caller subtracts the day of overlap)
 * each query asks only for studies whose LastUpdatePostDate is on or after it.
 */
export function nsclcQueries(updatedSince?: string): StudiesQuery[] {
  const advanced = updatedSince ? updatedSinceFilter(updatedSince) : undefined;
  return QUERIES.map((q) => ({
    cond: q.cond,
    ...(q.term !== undefined && { term: q.term }),
    ...(advanced !== undefined && { advanced }),
  }));
}

/** The short name of a query from nsclcQueries (for progress lines), or its key. */
export function queryName(q: StudiesQuery): string {
  return QUERIES.find((n) => n.cond === q.cond && n.term === q.term)?.name ?? queryKey(q);
}

/**
 * A stable identity for a query: the same query always gives the same string, whatever the
 * property order or status order; pageSize does not change identity.
 */
export function queryKey(q: StudiesQuery): string {
  const parts: string[] = [];
  if (q.cond) parts.push(`cond=${q.cond}`);
  if (q.term) parts.push(`term=${q.term}`);
  if (q.statuses?.length) parts.push(`status=${[...q.statuses].sort().join(',')}`);
  if (q.advanced) parts.push(`advanced=${q.advanced}`);
  return parts.join('&');
}
