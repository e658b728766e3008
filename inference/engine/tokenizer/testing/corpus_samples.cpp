// The fixed samples of the tokenizer corpus (tokenizer_corpus.h): short texts written for this
// test, one feature of real text each.
#include "inference/engine/tokenizer/testing/corpus_samples.h"

namespace agent::engine::testing {

const std::vector<std::string>& code_samples() {
  static const std::vector<std::string> k = {
      R"~(#include <stdio.h>
int main(int argc, char **argv) {
    for (int i = 0; i < argc; ++i) printf("%d: %s\n", i, argv[i]);
    return 0;
})~",
      R"~(template <typename T>
std::vector<T> take(const std::vector<T>& v, size_t n) {
  return {v.begin(), v.begin() + std::min(n, v.size())};  // C++20
}
auto x = std::make_unique<Foo>(42)->bar_->baz();)~",
      R"~(def fib(n: int) -> int:
    """Return the n-th Fibonacci number."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

if __name__ == "__main__":
    print(f"{fib(30)=}")  # 832040
)~",
      R"~(export async function fetchJson(url, { retries = 3 } = {}) {
  for (let i = 0; i <= retries; i++) {
    const res = await fetch(url);
    if (res.ok) return res.json();
    await new Promise((r) => setTimeout(r, 2 ** i * 100));
  }
  throw new Error(`failed: ${url}`);
}
const arr = [1, 2, 3].map(x => x * 2).filter(Boolean);)~",
      R"~(interface User { id: number; name?: string; tags: Array<string | null> }
type Handler<T> = (ev: CustomEvent<T>) => void;
let u: User = { id: 0x1F, tags: [] } as const satisfies User;)~",
      R"~(fn main() -> Result<(), Box<dyn std::error::Error>> {
    let v: Vec<u64> = (1..=10).map(|x| x * x).collect();
    println!("{:?} sum={}", v, v.iter().sum::<u64>());
    let s = String::from("héllo");
    match s.as_str() { "a" | "b" => {}, _ => unreachable!() }
    Ok(())
})~",
      R"~(package main

import (
	"fmt"
	"strings"
)

func main() {
	s := strings.Repeat("ab", 3)
	if err := run(s); err != nil {
		fmt.Printf("error: %v\n", err)
	}
})~",
      R"~(public final class Main {
    @Override
    public String toString() { return String.format("Main[%s]", this.name); }
    public static void main(String[] args) throws Exception {
        List<Map<String, Integer>> xs = new ArrayList<>();
        xs.forEach(System.out::println);
    }
})~",
      R"~(SELECT u.id, COUNT(*) AS n, MAX(o.created_at)
FROM users u LEFT JOIN orders o ON o.user_id = u.id
WHERE u.email LIKE '%@example.com' AND o.total >= 100.50
GROUP BY u.id HAVING n > 3 ORDER BY n DESC LIMIT 10;)~",
      R"~(#!/usr/bin/env bash
set -euo pipefail
for f in "$@"; do
  [[ -f "$f" ]] || { echo "missing: $f" >&2; exit 2; }
  sed -i 's/\t/    /g' "$f" && wc -l < "$f"
done 2>&1 | tee /tmp/log.txt
echo "${#arr[@]} $((1 + 2)) $(date +%s)")~",
      R"~(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test &amp; more</title>
<style>body { margin: 0 auto; max-width: 42rem; } .a > .b:hover { color: #ff00aa; }</style>
</head><body><div id="app" data-x='{"a":1}'>Hello&nbsp;world</div>
<script>document.querySelector("#app").innerHTML = `<p>${1+1}</p>`;</script></body></html>)~",
      R"~({"name": "agent", "version": "0.1.0", "nested": {"list": [1, 2.5, -3e10, true, null],
  "empty": {}, "unicode": "caf\u00e9 \ud83d\ude00", "path": "C:\\Users\\x"}})~",
      R"~(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: "nginx:1.25"
          ports: [{containerPort: 80}])~",
      R"~(# Title

Some *emphasis*, **bold**, `code`, and a [link](https://example.com/a_b?c=d&e=f#g).

- item one
    - nested item
1. numbered

```python
print("fenced")
```
> quote | table |
|---|:---:|)~",
      R"~(\documentclass{article}
\begin{document}
$$ \int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2} $$
\section{Intro} Let $\alpha \in \mathbb{R}$.
\end{document})~",
      R"~((defun fact (n) (if (<= n 1) 1 (* n (fact (- n 1)))))
(mapcar #'fact '(1 2 3 4 5)) ; => (1 2 6 24 120))~",
      R"~(main :: IO ()
main = do
  let xs = [x * 2 | x <- [1..10], odd x]
  mapM_ print xs >>= \_ -> return ()
data Tree a = Leaf | Node (Tree a) a (Tree a) deriving (Show, Eq))~",
      R"~(_start:
    mov rax, 60        ; exit
    xor edi, edi
    syscall
.L1: .quad 0xdeadbeef)~",
      R"~(CC ?= gcc
CFLAGS += -O2 -Wall
%.o: %.c
	$(CC) $(CFLAGS) -c $< -o $@
all: main.o util.o ; $(CC) $^ -o app)~",
      R"~(FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
    build-essential ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
CMD ["./app", "--port=8080"])~",
      R"~(local function greet(name)
  return ("Hello, %s!"):format(name or "world")
end
print(greet()) -- Hello, world!
my %h = (a => 1, b => 2); print "$_\n" for sort keys %h;)~",
      R"~(diff --git a/x.py b/x.py
--- a/x.py
+++ b/x.py
@@ -1,3 +1,4 @@
 import os
-print("old")
+print("new")
+    # trailing spaces here   
)~",
      R"~(class Point(val x: Double, val y: Double) {
    operator fun plus(o: Point) = Point(x + o.x, y + o.y)
}
func greet(_ name: String) -> String { return "Hi \(name)" }
<?php echo htmlspecialchars($_GET['q'] ?? ''); ?>)~",
      "function Get-Thing {\r\n    param([string]$Name)\r\n    Write-Output \"Hi $Name\"\r\n}\r\n",
  };
  return k;
}

const std::vector<std::string>& prose_samples() {
  static const std::vector<std::string> k = {
      "The quick brown fox jumps over the lazy dog. It's 5 o'clock; don't you think?",
      "Größe, Übermaß und Äpfel: Straße! Ça va? Où est l'hôtel? ¿Qué tal, señor? ¡Olé!",
      "Съешь же ещё этих мягких французских булок, да выпей чаю.",
      "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Αλφάβητο: α β γ δ ε.",
      "نص عربي للاختبار، مع علامات الترقيم؟ وأرقام ١٢٣٤٥٦.",
      "עברית: שלום עולם! זה טקסט לבדיקה.",
      "हिन्दी पाठ: नमस्ते दुनिया। यह एक परीक्षण है। संख्या ४२।",
      "ภาษาไทย: สวัสดีชาวโลก นี่คือการทดสอบ",
      "Tiếng Việt có dấu: Xin chào thế giới, đây là bài kiểm tra.",
      "Türkçe: İstanbul'da ığdır şehri; çok güzel!",
      "中文测试：你好，世界！这是一个分词器的测试。我们需要验证标点符号、数字123和English混合。",
      "繁體中文：臺灣的資訊科技產業非常發達。",
      "日本語のテキスト：こんにちは世界！カタカナとひらがな、漢字が混ざっています。東京タワーは333メートルです。",
      "한국어 텍스트: 안녕하세요 세계! 이것은 토크나이저 테스트입니다.",
      "Emoji: 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵 ❤️ ✨🚀 — and text after.",
      "Symbols: © ® ™ § ¶ † ‡ • … ‰ ′ ″ € £ ¥ ₿ ∑ ∏ √ ∞ ≈ ≠ ≤ ≥ ← → ↔ ⇒ ∀ ∃ ∈ ∉ ⊂ ∪ ∩",
      "Combining: e\u0301 a\u0300 o\u0308 n\u0303 — Z\u0351\u0363a\u0352l\u0346g\u0344o\u0315!",
      "Mixed: 東京 Tokyo とうきょう トウキョウ 서울 Seoul 北京Beijing2024年",
      "Fullwidth: ＡＢＣ１２３！？（テスト） and halfwidth ｶﾀｶﾅ.",
      "Quotes: “double” ‘single’ «guillemets» „German“ 「日本」『二重』",
  };
  return k;
}

const std::vector<std::string>& number_samples() {
  static const std::vector<std::string> k = {
      "0 1 12 123 1234 12345 123456 1234567 12345678901234567890",
      "3.14159265358979 -2.5e-10 1,000,000.00 0xFF 0b1010 1_000_000 1e+308",
      "Arabic-Indic ٠١٢٣٤٥٦٧٨٩ Devanagari ०१२३४५६७८९ Fullwidth ０１２３４５６７８９",
      "Superscripts x² y³ ¼ ½ ¾ Roman Ⅰ Ⅱ Ⅻ ⅻ Circled ① ② ⑳",
      "Dates 2024-01-31T23:59:59Z, times 12:30:45.123, IPs 192.168.0.1, ver 1.2.3-rc.4",
      "Phone +1 (555) 123-4567, card 4111 1111 1111 1111, pi≈3.14",
  };
  return k;
}

const std::vector<std::string>& whitespace_samples() {
  static const std::vector<std::string> k = {
      "a b  c   d    e     f      g",
      "    int x;\n        int y;\n\tint z;\n\t\tint w;",
      "line one\nline two\r\nline three\rline four\n\n\nfive\r\n\r\nsix",
      "trailing   \nspaces \t \nand tabs\t\t\n",
      "   leading and trailing   ",
      " \n \n\t\n  \r\n",
      "nbsp\u00a0here\u00a0\u00a0and ideographic\u3000space\u3000\u3000x em\u2003space",
      "\n\n\n\n\n\n\n\n",
      "x\u2028y\u2029z \u200b zero width \u200d joiner",
      "tab\tseparated\tvalues\t1\t2\t3\n",
  };
  return k;
}

const std::vector<std::string>& token_string_samples() {
  static const std::vector<std::string> k = {
      "<｜User｜>hello<｜Assistant｜>hi<｜end▁of▁sentence｜>",
      "<｜begin▁of▁sentence｜>system<｜User｜>q<｜Assistant｜><think>r</think>a<｜end▁of▁sentence｜>",
      "partial <｜User and <think and </think and <｜end▁of▁sentence",
      "<<think>> <</think>> <｜User｜><｜User｜> <think></think>",
      "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n<｜DSML｜parameter name=\"k\" "
      "string=\"true\">v</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>",
      "<tool_result>{\"ok\": true}</tool_result> <｜latest_reminder｜>2026 <｜action｜>",
      "text<｜fim▁begin｜>code<｜fim▁hole｜>more<｜fim▁end｜>",
  };
  return k;
}

}  // namespace agent::engine::testing
