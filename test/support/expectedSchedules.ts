// The retry presets' intervals, written out by hand once for every test that checks a
// schedule (the pure policy and the workflow running it), so neither re-derives them from the
// code under test.

/** progressive: the 50 priority-lane retry intervals, 5 s rising to 8 min, never decreasing. */
export const PROGRESSIVE_PRIORITY_LANE = [
  5, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 20, 22, 24, 27, 29, 32, 35, 39, 43, 47, 51, 56, 62, 68, 74, 82, 90, 99, 108, 119, 130, 143, 157, 172,
  189, 208, 228, 250, 274, 301, 331, 363, 398, 437, 480,
];

/** max-attempts: 20 retries doubling from 30 s, capped at 6 h. */
export const MAX_ATTEMPTS_INTERVALS = [
  30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600, 21600, 21600, 21600, 21600, 21600, 21600, 21600, 21600,
];
