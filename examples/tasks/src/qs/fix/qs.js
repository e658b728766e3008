'use strict';
// Query strings (application/x-www-form-urlencoded) to objects and back.

// Forms encode spaces as '+' (a literal plus arrives as %2B), so '+' must become a space
// before the percent escapes are decoded.
function decode(text) {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

// parse('a=1&b=x&a=2') -> { a: ['1', '2'], b: 'x' }: a key given twice becomes an array.
function parse(query) {
  const result = {};
  const text = query.startsWith('?') ? query.slice(1) : query;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    if (!Object.prototype.hasOwnProperty.call(result, key)) {
      result[key] = value;
    } else if (Array.isArray(result[key])) {
      result[key].push(value);
    } else {
      result[key] = [result[key], value];
    }
  }
  return result;
}

function stringify(object) {
  const parts = [];
  for (const [key, value] of Object.entries(object)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(v)}`);
    }
  }
  return parts.join('&');
}

module.exports = { parse, stringify };
