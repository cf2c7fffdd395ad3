import assert from 'node:assert/strict';
import { TimeInputError, cachedFormatterCount, describeInstant, offsetDifference, offsetMinutes, parseTimeInZone, resolveTimeZone } from '../lib/time.ts';

const JUNE_1_2024_1200Z = Date.UTC(2024, 5, 1, 12, 0, 0);
const JAN_15_2024_1200Z = Date.UTC(2024, 0, 15, 12, 0, 0);

describe('utility time arithmetic', () => {
  it('resolves IANA zones and refuses unknown ones with a helpful message', () => {
    assert.equal(resolveTimeZone('Europe/Paris'), 'Europe/Paris');
    assert.equal(resolveTimeZone('utc'), 'UTC');
    assert.throws(() => resolveTimeZone('Mars/Olympus_Mons'), (error: unknown) => error instanceof TimeInputError && /IANA name/.test(error.message));
  });

  it('keeps one formatter per zone however callers spell it (30,000 case variants)', () => {
    const zone = 'America/Argentina/Buenos_Aires';
    const letters = [...zone].map((char, i) => ({ char, i })).filter(({ char }) => /[a-z]/i.test(char));
    resolveTimeZone(zone);
    const before = cachedFormatterCount();
    for (let variant = 0; variant < 30_000; variant += 1) {
      const chars = [...zone];
      letters.forEach(({ char, i }, bit) => {
        chars[i] = (variant >> bit) & 1 ? char.toUpperCase() : char.toLowerCase();
      });
      assert.equal(resolveTimeZone(chars.join('')), resolveTimeZone(zone));
    }
    assert.equal(cachedFormatterCount(), before);
  });

  it('knows offsets and daylight saving', () => {
    assert.equal(offsetMinutes(JUNE_1_2024_1200Z, 'Europe/Paris'), 120);
    assert.equal(offsetMinutes(JAN_15_2024_1200Z, 'Europe/Paris'), 60);
    assert.equal(offsetMinutes(JUNE_1_2024_1200Z, 'Asia/Kolkata'), 330);
    const summer = describeInstant(JUNE_1_2024_1200Z, 'America/New_York');
    assert.deepEqual(summer, { timezone: 'America/New_York', datetime: '2024-06-01T08:00:00-04:00', date: '2024-06-01', time: '08:00:00', weekday: 'Saturday', utc_offset: '-04:00', is_dst: true });
    assert.equal(describeInstant(JAN_15_2024_1200Z, 'America/New_York').is_dst, false);
    assert.equal(describeInstant(JUNE_1_2024_1200Z, 'UTC').is_dst, false);
  });

  it('parses wall times in a zone, local datetimes and absolute timestamps', () => {
    assert.equal(parseTimeInZone('14:30', 'Europe/Paris', JUNE_1_2024_1200Z), Date.UTC(2024, 5, 1, 12, 30));
    assert.equal(parseTimeInZone('2024-01-15T09:00', 'America/New_York', 0), Date.UTC(2024, 0, 15, 14, 0));
    assert.equal(parseTimeInZone('2024-06-01T12:30:00Z', 'Asia/Tokyo', 0), Date.UTC(2024, 5, 1, 12, 30));
    assert.equal(parseTimeInZone('2024-06-01T12:30:00+02:00', 'UTC', 0), Date.UTC(2024, 5, 1, 10, 30));
  });

  it('refuses unreadable, out-of-range and non-existent (DST gap) times', () => {
    assert.throws(() => parseTimeInZone('half past two', 'UTC', 0), /send "HH:MM"/);
    assert.throws(() => parseTimeInZone('25:00', 'UTC', 0), /out of range/);
    assert.throws(() => parseTimeInZone('2024-02-30T10:00', 'UTC', 0), /does not exist/);
    assert.throws(() => parseTimeInZone('2024-03-10T02:30', 'America/New_York', 0), /daylight saving/);
  });

  it('describes the offset difference between zones', () => {
    assert.equal(offsetDifference(JUNE_1_2024_1200Z, 'UTC', 'Asia/Kolkata'), '+5h30m');
    assert.equal(offsetDifference(JUNE_1_2024_1200Z, 'Europe/Paris', 'America/New_York'), '-6h');
  });
});
