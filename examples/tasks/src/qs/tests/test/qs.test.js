'use strict';
const { describe, it } = require('node:test');
const assert = require('node:assert');
const { parse, stringify } = require('../qs.js');

describe('parse', () => {
  it('reads pairs', () => {
    assert.deepStrictEqual(parse('?a=1&b=two'), { a: '1', b: 'two' });
  });
  it('collects repeated keys', () => {
    assert.deepStrictEqual(parse('t=x&t=y&t=z'), { t: ['x', 'y', 'z'] });
  });
  it('decodes plus as a space', () => {
    assert.deepStrictEqual(parse('q=hello+world&op=1%2B1'), { q: 'hello world', op: '1+1' });
  });
  it('decodes percent escapes', () => {
    assert.deepStrictEqual(parse('name=J%C3%BCrgen%20M'), { name: 'Jürgen M' });
  });
});

describe('stringify', () => {
  it('round-trips', () => {
    const obj = { q: 'a&b', n: ['1', '2'] };
    assert.deepStrictEqual(parse(stringify(obj)), obj);
  });
});
