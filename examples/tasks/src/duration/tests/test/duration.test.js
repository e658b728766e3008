'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { formatDuration } = require('../duration.js');

test('milliseconds below one second', () => {
  assert.strictEqual(formatDuration(250), '250ms');
});

test('mixed units', () => {
  assert.strictEqual(formatDuration(93784000), '1d 2h 3m 4s');
  assert.strictEqual(formatDuration(62500), '1m 2s');
});

test('rejects negative durations', () => {
  assert.throws(() => formatDuration(-1), RangeError);
});

test('exact multiples of a unit', () => {
  assert.strictEqual(formatDuration(3600000), '1h');
  assert.strictEqual(formatDuration(60000), '1m');
  assert.strictEqual(formatDuration(86400000 + 1000), '1d 1s');
});
