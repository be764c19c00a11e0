/** The site grid finds exactly what a scan of every site finds, across the antimeridian and near the poles. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineKm } from '#matching/geo.ts';
import { buildSiteGrid, type GridSite, nearestWithin } from '#matching/site-grid.ts';

function bruteForce(sites: GridSite[], lat: number, lon: number, maxKm: number, trials: number) {
  const best = Array.from({ length: trials }, () => ({ km: Number.POSITIVE_INFINITY, site: -1 }));
  for (const s of sites) {
    const km = haversineKm(lat, lon, s.lat, s.lon);
    const b = best[s.trial];
    if (b && km <= maxKm && km < b.km) {
      b.km = km;
      b.site = s.site;
    }
  }
  return best.map((b) => b.site);
}

const siteArb = fc.record({
  trial: fc.integer({ min: 0, max: 9 }),
  site: fc.integer({ min: 0, max: 50 }),
  lat: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
  lon: fc.double({ min: -180, max: 179.999, noNaN: true }),
});

describe('site grid', () => {
  it('agrees with a full scan (random sites, points and ranges)', () => {
    fc.assert(
      fc.property(
        fc.array(siteArb, { maxLength: 60 }),
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: -180, max: 179.999, noNaN: true }),
        fc.double({ min: 1, max: 21_000, noNaN: true }),
        (sites, lat, lon, maxKm) => {
          // Unique site index per trial so "which site" is well defined.
          const uniq = sites.map((s, i) => ({ ...s, site: i }));
          const got = nearestWithin(buildSiteGrid(uniq), lat, lon, maxKm, 10);
          const want = bruteForce(uniq, lat, lon, maxKm, 10);
          for (let t = 0; t < 10; t++) {
            if (want[t] === -1) expect(got.site[t]).toBe(-1);
            else {
              // Ties or sites on the boundary may differ by rounding: compare distances.
              const g = uniq.find((s) => s.site === got.site[t]);
              const w = uniq.find((s) => s.site === want[t]);
              expect(g).toBeDefined();
              if (g && w) {
                expect(haversineKm(lat, lon, g.lat, g.lon)).toBeCloseTo(
                  haversineKm(lat, lon, w.lat, w.lon),
                  3,
                );
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it('finds a site across the antimeridian and one past the pole', () => {
    const grid = buildSiteGrid([
      { trial: 0, site: 0, lat: 0, lon: 179.9 },
      { trial: 1, site: 0, lat: 89.5, lon: 90 },
    ]);
    expect(nearestWithin(grid, 0, -179.9, 50, 2).site[0]).toBe(0);
    expect(nearestWithin(grid, 89.5, -90, 200, 2).site[1]).toBe(0);
    expect(nearestWithin(grid, 0, -170, 50, 2).site[0]).toBe(-1);
  });
});
