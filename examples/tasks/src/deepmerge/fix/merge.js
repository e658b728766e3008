'use strict';
// deepMerge(target, ...sources): merges plain objects recursively into `target` (changed in
// place and returned). Arrays and other values from later sources replace earlier ones.

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Keys that would reach Object.prototype (or a constructor's) instead of an own property:
// merging parsed JSON such as {"__proto__": {...}} must not change every object.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function deepMerge(target, ...sources) {
  for (const source of sources) {
    if (!isPlainObject(source)) continue;
    for (const key of Object.keys(source)) {
      if (UNSAFE_KEYS.has(key)) continue;
      const value = source[key];
      if (isPlainObject(value) && isPlainObject(target[key])) {
        deepMerge(target[key], value);
      } else if (isPlainObject(value)) {
        target[key] = deepMerge({}, value);
      } else {
        target[key] = value;
      }
    }
  }
  return target;
}

module.exports = { deepMerge };
