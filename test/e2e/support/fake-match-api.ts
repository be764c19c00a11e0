/**
 * A tiny stand-in for the API handler, for developing and testing the page on its own: serves
 * the page at `/` and answers `POST /v1/match` with a fixed, hand-written response. It holds
 * no matching logic; the real handler is tested against the real one.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PAGE_HTML } from '../../../web/page.ts';

export interface RecordedRequest {
  body: unknown;
}

const RESULTS = [
  {
    nctId: 'NCT00000001',
    title: 'A synthetic trial of a drug for EGFR exon 19 deletion',
    verdict: 'eligible',
    overallStatus: 'RECRUITING',
    phases: ['PHASE2'],
    lastUpdatePostDate: '2026-10-01',
    url: 'https://clinicaltrials.gov/study/NCT00000001',
    reasons: [
      {
        criterion: 'EGFR exon 19 deletion or L858R',
        status: 'met',
        quote: 'Confirmed EGFR mutations (exon 19 deletion, L858R)',
        section: 'inclusion',
      },
      {
        criterion: 'No prior EGFR TKI',
        status: 'met',
        quote: 'Previously treatment with any kind of EGFR TKI',
        section: 'exclusion',
      },
    ],
    toDiscuss: ['Adequate organ function'],
    nearestSite: {
      facility: 'Synthetic Cancer Center',
      city: 'Boston',
      state: 'Massachusetts',
      country: 'United States',
      distanceKm: 3.2,
      contact: { name: 'Study desk', phone: '555-0100' },
    },
  },
  {
    nctId: 'NCT00000002',
    title: 'A synthetic trial that needs PD-L1',
    verdict: 'possible',
    overallStatus: 'NOT_YET_RECRUITING',
    phases: ['PHASE3'],
    lastUpdatePostDate: '2026-09-01',
    reasons: [
      {
        criterion: 'PD-L1 at least 1%',
        status: 'unknown',
        quote: 'PD-L1 TPS >= 1%',
        section: 'inclusion',
      },
    ],
    toDiscuss: [],
  },
  {
    nctId: 'NCT00000003',
    title: 'A synthetic trial for KRAS G12C',
    verdict: 'excluded',
    overallStatus: 'RECRUITING',
    phases: ['PHASE1'],
    lastUpdatePostDate: '2026-08-01',
    reasons: [
      {
        criterion: 'KRAS G12C',
        status: 'not_met',
        quote: 'KRAS G12C mutation',
        section: 'inclusion',
      },
    ],
    toDiscuss: [],
  },
];

export function createFakeMatchApi(requests: RecordedRequest[] = []) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = `${event.requestContext.http.method} ${event.rawPath}`;
    if (route === 'GET /') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: PAGE_HTML,
      };
    }
    if (route === 'POST /v1/match') {
      const body = JSON.parse(event.body ?? 'null') as { options?: { includeExcluded?: boolean } };
      requests.push({ body });
      if (!body || typeof body !== 'object') {
        return {
          statusCode: 400,
          body: JSON.stringify({
            message: 'bad',
            issues: [{ path: [], message: 'body required' }],
          }),
        };
      }
      const results = RESULTS.filter(
        (r) => body.options?.includeExcluded || r.verdict !== 'excluded',
      );
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ results, dataSyncedAt: '2026-11-26T03:00:00Z' }),
      };
    }
    return { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
  };
}
