// The lexer: a single pass over bash syntax that splits simple commands, removes quotes,
// assignments and redirections, and recurses into substitutions. It follows bash's rules
// closely enough to find every command bash would run from the text itself; it does not
// expand anything.
#include <cctype>
#include <vector>

#include "policies/shell_parse_internal.h"

namespace agent::policy {

namespace detail {
namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_assignment(const std::string& w) {
  size_t eq = w.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  size_t end = eq;
  if (w[eq - 1] == '+') --end;  // NAME+=value
  if (std::isdigit(static_cast<unsigned char>(w[0]))) return false;
  for (size_t i = 0; i < end; ++i) {
    if (!is_name_char(w[i]) && !(w[i] == '[' || w[i] == ']')) return false;
  }
  return true;
}

class Lexer {
 public:
  Lexer(std::string_view s, int depth, ParsedScript* out) : s_(s), depth_(depth), out_(out) {}

  void run() {
    while (i_ < s_.size()) step();
    end_command();
  }

 private:
  char peek(size_t ahead = 1) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }

  void sub(std::string_view inner) {
    if (depth_ + 1 >= kMaxDepth) {
      out_->complete = false;
      return;
    }
    parse_into(inner, depth_ + 1, out_);
  }

  // Index of the ')' closing the '(' just before `from`, or npos.
  size_t close_paren(size_t from) const {
    int level = 1;
    for (size_t j = from; j < s_.size(); ++j) {
      char c = s_[j];
      if (c == '\\') { ++j; continue; }
      if (c == '\'') { j = s_.find('\'', j + 1); if (j == std::string_view::npos) return j; continue; }
      if (c == '"') {
        for (++j; j < s_.size() && s_[j] != '"'; ++j) if (s_[j] == '\\') ++j;
        continue;
      }
      if (c == '(') ++level;
      if (c == ')' && --level == 0) return j;
    }
    return std::string_view::npos;
  }

  void start_word() { in_word_ = true; }
  void mark_quoted() {
    if (!word_quoted_) quote_pos_ = word_.size();
    word_quoted_ = true;
  }

  void end_word() {
    if (!in_word_) return;
    std::string w = std::move(word_);
    bool dyn = word_dyn_ || (bracket_ && w.size() > 1 && w.find(']') != std::string::npos);
    bool quoted = word_quoted_;
    // NAME=value is an assignment when the NAME part is unquoted ("X=\"a b\"" is one).
    bool assignment = !quoted || (quote_pos_ != std::string::npos && w.find('=') < quote_pos_);
    word_.clear();
    quote_pos_ = std::string::npos;
    in_word_ = word_dyn_ = word_quoted_ = bracket_ = false;
    if (heredoc_delim_) {
      heredoc_delim_ = false;
      heredocs_.push_back({w, !quoted, heredoc_strip_});
      return;
    }
    if (redirect_target_) {
      redirect_target_ = false;
      return;
    }
    if (skip_command_) return;
    if (words_.empty() && assignment && is_assignment(w)) return;
    if (words_.empty() && !quoted) {
      static const char* kSkip[] = {"{", "}", "!", "if", "then", "else", "elif", "fi", "do",
                                    "done", "while", "until", "esac", "function", "time", "coproc"};
      for (const char* k : kSkip) if (w == k) return;
      if (w == "for" || w == "select" || w == "case") {
        skip_command_ = true;  // the rest up to the separator is a word list or patterns
        return;
      }
    }
    words_.push_back(std::move(w));
    dyn_.push_back(dyn);
  }

  void end_command() {
    end_word();
    if (!words_.empty()) {
      ParsedCommand c;
      c.argv = std::move(words_);
      c.dynamic = std::move(dyn_);
      c.dynamic_program = c.dynamic[0];
      emit_command(std::move(c), depth_, out_);
    }
    words_.clear();
    dyn_.clear();
    skip_command_ = false;
  }

  void read_heredoc_bodies() {
    for (const auto& h : heredocs_) {
      size_t body_start = i_;
      for (;;) {
        if (i_ >= s_.size()) break;
        size_t eol = s_.find('\n', i_);
        std::string_view line = s_.substr(i_, eol == std::string_view::npos ? std::string_view::npos : eol - i_);
        if (h.strip_tabs) while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
        if (line == h.delim) {
          std::string_view body = s_.substr(body_start, i_ - body_start);
          if (h.expands) scan_substitutions(body);
          i_ = eol == std::string_view::npos ? s_.size() : eol + 1;
          break;
        }
        i_ = eol == std::string_view::npos ? s_.size() : eol + 1;
      }
    }
    heredocs_.clear();
  }

  // $(...) and `...` inside an expanding heredoc body run as commands.
  void scan_substitutions(std::string_view body) {
    Lexer inner(body, depth_, out_);
    for (size_t j = 0; j < body.size(); ++j) {
      if (body[j] == '\\') { ++j; continue; }
      if (body[j] == '$' && j + 1 < body.size() && body[j + 1] == '(') {
        inner.i_ = j + 2;
        size_t close = inner.close_paren(j + 2);
        if (close == std::string_view::npos) return;
        sub(body.substr(j + 2, close - j - 2));
        j = close;
      } else if (body[j] == '`') {
        size_t close = body.find('`', j + 1);
        if (close == std::string_view::npos) return;
        sub(body.substr(j + 1, close - j - 1));
        j = close;
      }
    }
  }

  void dollar() {
    char n = peek();
    start_word();
    if (n == '(' && peek(2) == '(') {  // $(( arithmetic ))
      word_dyn_ = true;
      size_t close = s_.find("))", i_ + 3);
      i_ = close == std::string_view::npos ? s_.size() : close + 2;
      word_ += "$((..))";
      return;
    }
    if (n == '(' || n == '{') {
      word_dyn_ = true;
      size_t close = n == '(' ? close_paren(i_ + 2) : s_.find('}', i_ + 2);
      if (close == std::string_view::npos) {
        out_->complete = false;
        i_ = s_.size();
        return;
      }
      if (n == '(') {
        sub(s_.substr(i_ + 2, close - i_ - 2));
      } else {
        // ${x:-$(cmd)} runs cmd: substitutions inside ${...} are found too.
        scan_substitutions(s_.substr(i_ + 2, close - i_ - 2));
      }
      word_ += "$(..)";
      i_ = close + 1;
      return;
    }
    if (n == '\'' ) { ansi_c_string(); return; }
    word_ += '$';
    ++i_;
    if (is_name_char(n)) {
      word_dyn_ = true;
      while (i_ < s_.size() && is_name_char(s_[i_])) ++i_;
    } else if (n && std::string_view("@*#?$!-").find(n) != std::string_view::npos) {
      word_dyn_ = true;
      ++i_;
    }  // else a lone '$' is literal
  }

  void ansi_c_string() {
    i_ += 2;
    mark_quoted();
    while (i_ < s_.size() && s_[i_] != '\'') {
      char c = s_[i_++];
      if (c != '\\' || i_ >= s_.size()) { word_ += c; continue; }
      char e = s_[i_++];
      switch (e) {
        case 'n': word_ += '\n'; break;
        case 't': word_ += '\t'; break;
        case 'x': {
          int v = 0, k = 0;
          while (k < 2 && i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) {
            v = v * 16 + (std::isdigit(static_cast<unsigned char>(s_[i_])) ? s_[i_] - '0' : (std::tolower(s_[i_]) - 'a' + 10));
            ++i_, ++k;
          }
          word_ += static_cast<char>(v);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0', k = 1;
            while (k < 3 && i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '7') v = v * 8 + (s_[i_++] - '0'), ++k;
            word_ += static_cast<char>(v);
          } else {
            word_ += e;  // \\ \' \" and anything else
          }
      }
    }
    ++i_;
  }

  void backtick() {
    start_word();
    word_dyn_ = true;
    std::string inner;
    size_t j = i_ + 1;
    for (; j < s_.size() && s_[j] != '`'; ++j) {
      if (s_[j] == '\\' && j + 1 < s_.size()) ++j;
      inner += s_[j];
    }
    if (j >= s_.size()) out_->complete = false;
    sub(inner);
    word_ += "`..`";
    i_ = j + 1;
  }

  void double_quoted() {
    start_word();
    mark_quoted();
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_];
      if (c == '\\' && std::string_view("$`\"\\\n").find(peek()) != std::string_view::npos && peek()) {
        if (peek() != '\n') word_ += peek();
        i_ += 2;
      } else if (c == '$') {
        bool was_quoted = word_quoted_;
        dollar();
        word_quoted_ = was_quoted;
      } else if (c == '`') {
        backtick();
      } else {
        word_ += c;
        ++i_;
      }
    }
    if (i_ >= s_.size()) out_->complete = false;
    ++i_;
  }

  void redirection() {
    // "2>" / "10<": the digits were the fd, not a word.
    if (in_word_ && !word_quoted_ && !word_.empty() &&
        word_.find_first_not_of("0123456789") == std::string::npos) {
      word_.clear();
      in_word_ = false;
    }
    end_word();
    char c = s_[i_];
    if (peek() == '(') {  // <(cmd) / >(cmd): a file name produced by a command
      size_t close = close_paren(i_ + 2);
      if (close == std::string_view::npos) { out_->complete = false; i_ = s_.size(); return; }
      sub(s_.substr(i_ + 2, close - i_ - 2));
      start_word();
      word_dyn_ = true;
      word_ += "<(..)";
      i_ = close + 1;
      return;
    }
    ++i_;
    if (c == '<' && peek(0) == '<' && peek(1) == '<') {  // <<< here-string: the word is data
      i_ += 2;
    } else if (c == '<' && peek(0) == '<') {
      ++i_;
      heredoc_strip_ = peek(0) == '-';
      if (heredoc_strip_) ++i_;
      heredoc_delim_ = true;
      return;
    } else if (peek(0) == c || peek(0) == '&' || peek(0) == '|' || (c == '<' && peek(0) == '>')) {
      ++i_;
    }
    redirect_target_ = true;
  }

  void step() {
    char c = s_[i_];
    switch (c) {
      case ' ': case '\t': end_word(); ++i_; return;
      case '\n':
        end_command();
        ++i_;
        if (!heredocs_.empty()) read_heredoc_bodies();
        return;
      case ';': case '|': case ')':
        end_command();
        i_ += (peek() == c || (c == '|' && peek() == '&')) ? 2 : 1;
        return;
      case '&':
        if (peek() == '>') {  // &> and &>> redirect both streams
          end_word();
          i_ += peek(2) == '>' ? 3 : 2;
          redirect_target_ = true;
          return;
        }
        end_command();
        i_ += peek() == '&' ? 2 : 1;
        return;
      case '(':
        if (!in_word_ && words_.empty() && peek() == '(') {  // (( arithmetic ))
          size_t close = s_.find("))", i_ + 2);
          i_ = close == std::string_view::npos ? s_.size() : close + 2;
          return;
        }
        end_command();
        ++i_;
        return;
      case '<': case '>': redirection(); return;
      case '#':
        if (!in_word_) { while (i_ < s_.size() && s_[i_] != '\n') ++i_; return; }
        break;
      case '\\':
        if (peek() == '\n') { i_ += 2; return; }
        start_word();
        mark_quoted();
        if (peek()) word_ += peek();
        i_ += 2;
        return;
      case '\'': {
        start_word();
        mark_quoted();
        size_t close = s_.find('\'', i_ + 1);
        if (close == std::string_view::npos) { out_->complete = false; close = s_.size(); }
        word_.append(s_.substr(i_ + 1, close - i_ - 1));
        i_ = close + 1;
        return;
      }
      case '"': double_quoted(); return;
      case '$': dollar(); return;
      case '`': backtick(); return;
      case '*': case '?': word_dyn_ = true; break;
      case '[': bracket_ = true; break;
      case '{': if (in_word_ || (peek() && peek() != ' ' && peek() != '\n')) word_dyn_ = true; break;
      default: break;
    }
    start_word();
    word_ += c;
    ++i_;
  }

  struct Heredoc {
    std::string delim;
    bool expands;
    bool strip_tabs;
  };

  std::string_view s_;
  size_t i_ = 0;
  int depth_;
  ParsedScript* out_;
  std::vector<std::string> words_;
  std::vector<bool> dyn_;
  std::string word_;
  bool in_word_ = false, word_dyn_ = false, word_quoted_ = false, bracket_ = false;
  size_t quote_pos_ = std::string::npos;  // where the word's first quoted part starts
  bool redirect_target_ = false, heredoc_delim_ = false, heredoc_strip_ = false, skip_command_ = false;
  std::vector<Heredoc> heredocs_;
};

}  // namespace

void parse_into(std::string_view script, int depth, ParsedScript* out) {
  Lexer(script, depth, out).run();
}

}  // namespace detail

ParsedScript parse_shell(std::string_view script) {
  ParsedScript out;
  detail::parse_into(script, 0, &out);
  return out;
}

std::string program_name(const std::string& word) {
  size_t slash = word.find_last_of('/');
  return slash == std::string::npos ? word : word.substr(slash + 1);
}

}  // namespace agent::policy
