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

/** Sites as columns, in any order: what the index builder fills without an object per site. */
export interface SiteColumns {
  trial: Int32Array;
  site: Int32Array;
  xyz: Float64Array;
  /** gridCell(lat, lon) of each site. */
  cell: Int32Array;
}

export const gridCell = (lat: number, lon: number): number =>
  latCell(lat) * LON_CELLS + lonCell(lon);

/** The columns sorted by cell (a counting sort: one pass to count, one to place). */
export function gridFromColumns(c: SiteColumns): SiteGrid {
  const n = c.cell.length;
  const cellStart = new Int32Array(LAT_CELLS * LON_CELLS + 1);
  for (let i = 0; i < n; i++) {
    const k = (c.cell[i] as number) + 1;
    cellStart[k] = (cellStart[k] as number) + 1;
  }
  for (let k = 0; k < LAT_CELLS * LON_CELLS; k++) {
    cellStart[k + 1] = (cellStart[k + 1] as number) + (cellStart[k] as number);
  }
  const fill = cellStart.slice(0, -1);
  const trial = new Int32Array(n);
  const site = new Int32Array(n);
  const xyz = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const k = c.cell[i] as number;
    const at = fill[k] as number;
    fill[k] = at + 1;
    trial[at] = c.trial[i] as number;
    site[at] = c.site[i] as number;
    xyz[at * 3] = c.xyz[i * 3] as number;
    xyz[at * 3 + 1] = c.xyz[i * 3 + 1] as number;
    xyz[at * 3 + 2] = c.xyz[i * 3 + 2] as number;
  }
  return { cellStart, trial, site, xyz };
}

export function buildSiteGrid(sites: readonly GridSite[]): SiteGrid {
  const xyz = new Float64Array(sites.length * 3);
  sites.forEach((s, i) => {
    xyz.set(unitVector(s.lat, s.lon), i * 3);
  });
  return gridFromColumns({
    trial: Int32Array.from(sites, (s) => s.trial),
    site: Int32Array.from(sites, (s) => s.site),
    xyz,
    cell: Int32Array.from(sites, (s) => gridCell(s.lat, s.lon)),
  });
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
