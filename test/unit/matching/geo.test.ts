import { describe, expect, it } from 'vitest';
import {
  dotToKm,
  haversineKm,
  lookupUsZip,
  PostalCodeError,
  resolveLocation,
  unitVector,
} from '#matching/geo.ts';

describe('geo', () => {
  it('haversine: Boston–New York ≈ 306 km, London–Paris ≈ 344 km', () => {
    expect(haversineKm(42.3601, -71.0589, 40.7128, -74.006)).toBeCloseTo(306, -1);
    expect(haversineKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeCloseTo(344, -1);
    expect(haversineKm(10, 10, 10, 10)).toBe(0);
  });
  it('the unit-vector form agrees with haversine', () => {
    const pairs = [
      [42.3601, -71.0589, 40.7128, -74.006],
      [34.05, -118.24, -33.86, 151.2],
      [0, 0, 0, 179.9],
      [45, 45, 45.0001, 45.0001],
    ] as const;
    for (const [a, b, c, d] of pairs) {
      const [x1, y1, z1] = unitVector(a, b);
      const [x2, y2, z2] = unitVector(c, d);
      expect(dotToKm(x1 * x2 + y1 * y2 + z1 * z2)).toBeCloseTo(haversineKm(a, b, c, d), 1);
    }
  });
  it('US ZIP codes resolve from the offline table (ZIP+4 accepted)', () => {
    const p = lookupUsZip('02115');
    expect(p?.lat).toBeCloseTo(42.34, 1);
    expect(p?.lon).toBeCloseTo(-71.09, 1);
    expect(resolveLocation({ postalCode: '10001-1234', country: 'us' })).toMatchObject({
      postalCode: '10001',
      country: 'US',
    });
    expect(lookupUsZip('00000')).toBeUndefined();
  });
  it('bad postal codes are PostalCodeErrors naming the field', () => {
    expect(() => resolveLocation({ postalCode: '99999', country: 'US' })).toThrow(PostalCodeError);
    let caught: unknown;
    try {
      resolveLocation({ postalCode: '75001', country: 'FR' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PostalCodeError);
    expect((caught as PostalCodeError).field).toBe('country');
  });
});
