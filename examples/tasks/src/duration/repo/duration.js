'use strict';
// Human-readable durations for log lines and progress bars: 93784000 ms -> "1d 2h 3m 4s".

const UNITS = [
  ['d', 24 * 60 * 60 * 1000],
  ['h', 60 * 60 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
];

function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts = [];
  let rest = Math.floor(ms / 1000) * 1000;
  for (const [name, size] of UNITS) {
    if (rest > size) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
  }
  return parts.join(' ');
}

module.exports = { formatDuration };
