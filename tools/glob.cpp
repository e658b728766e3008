#include "tools/glob.h"

#include <functional>

namespace agent {

namespace {

// More alternatives than this is a runaway pattern, not a file filter.
constexpr size_t kMaxAlternatives = 256;

// Index of the '}' closing the '{' at `open`, or npos; skips escapes and classes.
size_t find_closing_brace(std::string_view p, size_t open) {
  int depth = 0;
  for (size_t i = open; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '[') {
      size_t close = p.find(']', i + 2);
      if (close == std::string_view::npos) return std::string_view::npos;
      i = close;
    } else if (p[i] == '{') {
      ++depth;
    } else if (p[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// First unescaped '{' outside a class, or npos.
size_t find_open_brace(std::string_view p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '[') {
      size_t close = p.find(']', i + 2);
      if (close == std::string_view::npos) return std::string_view::npos;
      i = close;
    } else if (p[i] == '{') {
      return i;
    }
  }
  return std::string_view::npos;
}

// Splits the inside of {a,b{c,d}} on its top-level commas.
std::vector<std::string_view> split_alternatives(std::string_view inner) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\') {
      ++i;
    } else if (inner[i] == '{') {
      ++depth;
    } else if (inner[i] == '}') {
      --depth;
    } else if (inner[i] == ',' && depth == 0) {
      parts.push_back(inner.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(inner.substr(start));
  return parts;
}

Status expand_braces(std::string_view p, std::vector<std::string>& out) {
  size_t open = find_open_brace(p);
  if (open == std::string_view::npos) {
    if (out.size() >= kMaxAlternatives) {
      return invalid_argument("glob has more than " + std::to_string(kMaxAlternatives) +
                              " {..} alternatives");
    }
    out.emplace_back(p);
    return ok_status();
  }
  size_t close = find_closing_brace(p, open);
  if (close == std::string_view::npos) {
    return invalid_argument("glob \"" + std::string(p) + "\" has a '{' without its '}'");
  }
  std::string_view prefix = p.substr(0, open), suffix = p.substr(close + 1);
  for (std::string_view alt : split_alternatives(p.substr(open + 1, close - open - 1))) {
    std::string joined = std::string(prefix) + std::string(alt) + std::string(suffix);
    AGENT_RETURN_IF_ERROR(expand_braces(joined, out));
  }
  return ok_status();
}

// Decodes the UTF-8 character at s[i]; an invalid byte decodes as itself (length 1).
char32_t decode_utf8(std::string_view s, size_t i, size_t* len) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n <= 1 || i + n > s.size()) {
    *len = 1;
    return c;
  }
  char32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      *len = 1;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  *len = n;
  return cp;
}

}  // namespace

Result<Glob> Glob::compile(std::string_view pattern) {
  if (pattern.empty()) return invalid_argument("the glob is empty");
  std::vector<std::string> expanded;
  AGENT_RETURN_IF_ERROR(expand_braces(pattern, expanded));
  Glob g;
  g.pattern_ = std::string(pattern);
  for (const auto& alt : expanded) {
    AGENT_ASSIGN_OR_RETURN(Alternative a, compile_alternative(alt));
    g.alternatives_.push_back(std::move(a));
  }
  return g;
}

Result<Glob::Alternative> Glob::compile_alternative(std::string_view p) {
  while (p.substr(0, 2) == "./") p.remove_prefix(2);
  while (!p.empty() && p.front() == '/') p.remove_prefix(1);
  Alternative alt;
  alt.basename_only = p.find('/') == std::string_view::npos;
  for (size_t i = 0; i < p.size(); ++i) {
    Token t;
    t.kind = Token::kLiteral;
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      t.literal = p[++i];
    } else if (c == '?') {
      t.kind = Token::kAnyChar;
    } else if (c == '*') {
      size_t run = 1;
      while (i + run < p.size() && p[i + run] == '*') ++run;
      i += run - 1;
      t.kind = run == 1 ? Token::kStar : Token::kGlobstar;
      if (run > 1 && i + 1 < p.size() && p[i + 1] == '/') {
        t.kind = Token::kGlobstarSlash;
        ++i;
      }
    } else if (c == '[') {
      size_t j = i + 1;
      t.kind = Token::kClass;
      if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
        t.negated = true;
        ++j;
      }
      // A ']' right after the opening bracket is a member, as in shells.
      size_t close = p.find(']', j + 1);
      if (close == std::string_view::npos) {
        return invalid_argument("glob \"" + std::string(p) + "\" has a '[' without its ']'");
      }
      std::string_view body = p.substr(j, close - j);
      for (size_t k = 0; k < body.size();) {
        size_t len = 1;
        char32_t lo = decode_utf8(body, k, &len);
        k += len;
        char32_t hi = lo;
        if (k + 1 < body.size() && body[k] == '-') {
          hi = decode_utf8(body, k + 1, &len);
          k += 1 + len;
        }
        t.ranges.emplace_back(lo, hi);
      }
      i = close;
    } else {
      t.literal = c;
    }
    alt.tokens.push_back(std::move(t));
  }
  return alt;
}

bool Glob::match_tokens(const std::vector<Token>& tokens, std::string_view s) {
  // Memo of (token, position) states known to fail: keeps `*a*a*a*b` polynomial.
  const size_t width = s.size() + 1;
  std::vector<bool> failed((tokens.size() + 1) * width, false);
  std::function<bool(size_t, size_t)> match = [&](size_t ti, size_t si) -> bool {
    if (ti == tokens.size()) return si == s.size();
    if (failed[ti * width + si]) return false;
    const Token& t = tokens[ti];
    bool ok = false;
    switch (t.kind) {
      case Token::kLiteral:
        ok = si < s.size() && s[si] == t.literal && match(ti + 1, si + 1);
        break;
      case Token::kAnyChar:
      case Token::kClass: {
        if (si >= s.size() || s[si] == '/') break;
        size_t len = 1;
        char32_t cp = decode_utf8(s, si, &len);
        bool in = t.kind == Token::kAnyChar;
        for (const auto& [lo, hi] : t.ranges) in = in || (cp >= lo && cp <= hi);
        if (t.kind == Token::kClass && t.negated) in = !in;
        ok = in && match(ti + 1, si + len);
        break;
      }
      case Token::kStar:
        for (size_t k = si;; ++k) {
          if (match(ti + 1, k)) { ok = true; break; }
          if (k == s.size() || s[k] == '/') break;
        }
        break;
      case Token::kGlobstar:
        for (size_t k = si; k <= s.size() && !ok; ++k) ok = match(ti + 1, k);
        break;
      case Token::kGlobstarSlash:
        ok = match(ti + 1, si);
        for (size_t k = si; k < s.size() && !ok; ++k) {
          if (s[k] == '/') ok = match(ti + 1, k + 1);
        }
        break;
    }
    if (!ok) failed[ti * width + si] = true;
    return ok;
  };
  return match(0, 0);
}

bool Glob::matches(std::string_view rel_path) const {
  while (rel_path.substr(0, 2) == "./") rel_path.remove_prefix(2);
  std::string_view base = rel_path;
  size_t slash = rel_path.rfind('/');
  if (slash != std::string_view::npos) base = rel_path.substr(slash + 1);
  for (const auto& alt : alternatives_) {
    if (match_tokens(alt.tokens, alt.basename_only ? base : rel_path)) return true;
  }
  return false;
}

}  // namespace agent
