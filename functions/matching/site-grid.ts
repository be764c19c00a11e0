/**
 * Every referable site of the index in a 1° × 1° latitude/longitude grid, so that a query
 * with `maxDistanceKm` looks only at the sites of the cells it can reach instead of scanning
 * all sites of all trials (trials with hundreds of sites dominate such scans).
 */
import { EARTH_RADIUS_KM, unitVector } from './geo.ts';

export interface SiteGrid {
  /** Sites sorted by cell: cell c holds entries cellStart[c] .. cellStart[c + 1]. */
  cellStart: Int32Array;
  /** Per entry: the trial's ordinal, the site's index in that trial's sites, its unit vector. */
  trial: Int32Array;
  site: Int32Array;
  xyz: Float64Array;
}

const LAT_CELLS = 180;
const LON_CELLS = 360;

const latCell = (lat: number) => Math.min(LAT_CELLS - 1, Math.max(0, Math.floor(lat + 90)));
const lonCell = (lon: number) => ((Math.floor(lon + 180) % LON_CELLS) + LON_CELLS) % LON_CELLS;

export interface GridSite {
  trial: number;
  site: number;
  lat: number;
  lon: number;
}

export function buildSiteGrid(sites: readonly GridSite[]): SiteGrid {
  const cellOf = sites.map((s) => latCell(s.lat) * LON_CELLS + lonCell(s.lon));
  const cellStart = new Int32Array(LAT_CELLS * LON_CELLS + 1);
  for (const c of cellOf) cellStart[c + 1] = (cellStart[c + 1] as number) + 1;
  for (let c = 0; c < LAT_CELLS * LON_CELLS; c++) {
    cellStart[c + 1] = (cellStart[c + 1] as number) + (cellStart[c] as number);
  }
  const fill = cellStart.slice(0, -1);
  const trial = new Int32Array(sites.length);
  const site = new Int32Array(sites.length);
  const xyz = new Float64Array(sites.length * 3);
  sites.forEach((s, i) => {
    const c = cellOf[i] as number;
    const at = fill[c] as number;
    fill[c] = at + 1;
    trial[at] = s.trial;
    site[at] = s.site;
    const [x, y, z] = unitVector(s.lat, s.lon);
    xyz[at * 3] = x;
    xyz[at * 3 + 1] = y;
    xyz[at * 3 + 2] = z;
  });
  return { cellStart, trial, site, xyz };
}

/**
 * For each trial (by ordinal) with a site within `maxKm`: the dot product of the nearest
 * such site with the point (-2 when none), and that site's index in the trial's sites.
 */
export function nearestWithin(
  grid: SiteGrid,
  lat: number,
  lon: number,
  maxKm: number,
  trials: number,
): { dot: Float64Array; site: Int32Array } {
  const dot = new Float64Array(trials).fill(-2);
  const site = new Int32Array(trials).fill(-1);
  const [px, py, pz] = unitVector(lat, lon);
  const angle = maxKm / EARTH_RADIUS_KM;
  const minDot = Math.cos(Math.min(Math.PI, angle));
  const dLat = (angle * 180) / Math.PI;
  const lat0 = Math.max(-90, lat - dLat);
  const lat1 = Math.min(90, lat + dLat);
  // Widest longitude span at the latitude nearest a pole; the whole circle near the poles.
  const maxAbsLat = Math.max(Math.abs(lat0), Math.abs(lat1));
  const cosLat = Math.cos((maxAbsLat * Math.PI) / 180);
  const dLon = cosLat < 1e-6 ? 180 : Math.min(180, dLat / cosLat);
  const lonCells = dLon >= 180 ? LON_CELLS : Math.min(LON_CELLS, Math.ceil(2 * dLon) + 2);
  const firstLon = dLon >= 180 ? 0 : lonCell(lon - dLon);
  const { cellStart, xyz } = grid;
  for (let la = latCell(lat0), laEnd = latCell(lat1); la <= laEnd; la++) {
    for (let k = 0; k < lonCells; k++) {
      const c = la * LON_CELLS + ((firstLon + k) % LON_CELLS);
      for (let i = cellStart[c] as number, end = cellStart[c + 1] as number; i < end; i++) {
        const d =
          (xyz[i * 3] as number) * px +
          (xyz[i * 3 + 1] as number) * py +
          (xyz[i * 3 + 2] as number) * pz;
        if (d < minDot) continue;
        const t = grid.trial[i] as number;
        if (d > (dot[t] as number)) {
          dot[t] = d;
          site[t] = grid.site[i] as number;
        }
      }
    }
  }
  return { dot, site };
}
