/**
 * A tiny stand-in for the API handler, for testing the page on its own (no store, no
 * matcher): serves the page at `/` and answers `POST /v1/match` with a fixed, hand-written
 * response in the matcher's response shape. It records the request bodies it received so a
 * test can check what the page sent. It holds no matching logic.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PAGE_HTML } from '../../../web/page.ts';

const reason = (
  label: string,
  status: string,
  quote: string,
  extra: Record<string, unknown> = {},
) => ({
  criterion: { kind: 'biomarker', label },
  effect: 'require',
  status,
  quote,
  section: 'inclusion',
  ...extra,
});

const RESULTS = [
  {
    nctId: 'NCT00000001',
    title: 'A synthetic trial of a drug for EGFR exon 19 deletion',
    url: 'https://clinicaltrials.gov/study/NCT00000001',
    verdict: 'eligible',
    status: 'RECRUITING',
    phases: ['PHASE2'],
    lastUpdatePostDate: '2026-10-01',
    reasons: [
      reason(
        'Must have EGFR exon19del or L858R',
        'met',
        'Confirmed EGFR mutations (exon 19 deletion, L858R)',
      ),
      reason(
        'Must not have prior egfr tki',
        'met',
        'Previously treatment with any kind of EGFR TKI',
        {
          effect: 'forbid',
          section: 'exclusion',
        },
      ),
    ],
    unknowns: [],
    toDiscuss: [{ quote: 'Adequate organ function', section: 'inclusion' }],
    recruitingSiteCount: 3,
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
    title: 'A synthetic trial that needs PD-L1 <b>not bold</b>',
    url: 'https://clinicaltrials.gov/study/NCT00000002',
    verdict: 'possible',
    status: 'NOT_YET_RECRUITING',
    phases: ['PHASE3'],
    lastUpdatePostDate: '2026-09-01',
    reasons: [
      reason('Must have PD-L1 TPS ≥ 1%', 'unknown', 'PD-L1 TPS >= 1%', { needs: 'PD-L1 TPS' }),
    ],
    unknowns: ['PD-L1 TPS'],
    toDiscuss: [],
    recruitingSiteCount: 0,
    nearestSite: null,
  },
  {
    nctId: 'NCT00000003',
    title: 'A synthetic trial for KRAS G12C',
    url: 'https://clinicaltrials.gov/study/NCT00000003',
    verdict: 'excluded',
    status: 'RECRUITING',
    phases: ['PHASE1'],
    lastUpdatePostDate: '2026-08-01',
    reasons: [reason('Must have KRAS G12C', 'not_met', 'KRAS G12C mutation')],
    unknowns: [],
    toDiscuss: [],
    recruitingSiteCount: 1,
    nearestSite: null,
  },
];

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export function createFakeMatchApi(received: unknown[] = []) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = `${event.requestContext.http.method} ${event.rawPath}`;
    if (route === 'GET /') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: PAGE_HTML,
      };
    }
    if (route !== 'POST /v1/match')
      return json(404, { error: { status: 404, code: 'not_found', message: 'no such route' } });
    const body = JSON.parse(event.body ?? 'null') as {
      age?: unknown;
      options?: { includeExcluded?: boolean };
    };
    received.push(body);
    if (body?.age === 999) {
      return json(400, {
        error: {
          status: 400,
          code: 'invalid_profile',
          message: 'the profile has 1 problem',
          details: [{ path: 'age', message: 'Too big: expected number to be <=120' }],
        },
      });
    }
    const results = RESULTS.filter(
      (r) => body?.options?.includeExcluded || r.verdict !== 'excluded',
    );
    return json(200, {
      results,
      total: { eligible: 1, possible: 1, excluded: 1 },
      profile: {
        notes: [{ path: 'biomarkers.0.alteration', message: 'EGFR "Ex19del" read as exon19del' }],
      },
      dataSyncedAt: '2026-11-26T03:00:00Z',
      generatedAt: '2026-11-27T00:00:00Z',
    });
  };
}
