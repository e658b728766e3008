// The lexer: a single pass over bash syntax that splits simple commands, removes quotes,
// assignments and redirections, and recurses into substitutions. It follows bash's rules
// closely enough to find every command bash would run from the text itself; it does not
// expand anything. It also notes where each command's stdin comes from (a pipe, a file, a
// here-string, a heredoc) and what `<(..)` words hold, for shells that read them as code;
// a command with a heredoc on stdin is emitted once its body has been read.
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
    // Heredocs whose body never came: the shell reads an empty script.
    for (auto& d : deferred_) {
      d.io.in = Feed{Feed::Kind::kText, "", false};
      emit_command(std::move(d.cmd), d.io, depth_, out_);
    }
    deferred_.clear();
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
    Feed feed = std::move(word_feed_);
    word_.clear();
    word_feed_ = {};
    quote_pos_ = std::string::npos;
    in_word_ = word_dyn_ = word_quoted_ = bracket_ = false;
    if (heredoc_delim_) {
      heredoc_delim_ = false;
      heredocs_.push_back({w, !quoted, heredoc_strip_});
      if (heredoc_stdin_) stdin_heredoc_ = static_cast<int>(heredocs_.size()) - 1;
      return;
    }
    if (redirect_target_) {
      redirect_target_ = false;
      redirect_target(std::move(w), dyn, std::move(feed));
      return;
    }
    if (skip_command_) return;
    if (words_.empty() && assignment && is_assignment(w)) return;
    if (words_.empty() && !quoted) {
      // `time -p cmd`: -p belongs to the keyword.
      if (after_time_ && (w == "-p" || w == "--")) return;
      static const char* kSkip[] = {"{", "}", "!", "if", "then", "else", "elif", "fi", "do",
                                    "done", "while", "until", "esac", "function", "time", "coproc"};
      for (const char* k : kSkip) {
        if (w != k) continue;
        after_time_ = w == "time";
        return;
      }
      if (w == "for" || w == "select" || w == "case") {
        skip_command_ = true;  // the rest up to the separator is a word list or patterns
        return;
      }
    }
    after_time_ = false;
    words_.push_back(std::move(w));
    dyn_.push_back(dyn);
    feeds_.push_back(std::move(feed));
  }

  // The word after `<`, `<<<` or `<&`: where stdin now comes from (the last one wins).
  void redirect_target(std::string w, bool dyn, Feed feed) {
    switch (redirect_kind_) {
      case Redirect::kOther: return;
      case Redirect::kStdinFile:
        in_ = feed.kind != Feed::Kind::kNone ? std::move(feed) : Feed{Feed::Kind::kFile, "", false};
        break;
      case Redirect::kHereString: in_ = Feed{Feed::Kind::kText, std::move(w) + "\n", dyn}; break;
      case Redirect::kStdinDup: in_ = Feed{Feed::Kind::kHidden, "", false}; break;
    }
    stdin_heredoc_ = -1;
  }

  void end_command() {
    end_word();
    if (!words_.empty()) {
      ParsedCommand c;
      c.argv = std::move(words_);
      c.dynamic = std::move(dyn_);
      c.dynamic_program = c.dynamic[0];
      last_output_ = echo_output(c.argv, c.dynamic);
      CommandIo io{std::move(in_), std::move(feeds_)};
      if (stdin_heredoc_ >= 0) {
        deferred_.push_back({std::move(c), std::move(io), static_cast<size_t>(stdin_heredoc_)});
      } else {
        emit_command(std::move(c), io, depth_, out_);
      }
    } else {
      last_output_ = Feed{Feed::Kind::kHidden, "", false};  // `) |`, `done |`: not one echo
    }
    words_.clear();
    dyn_.clear();
    feeds_.clear();
    in_ = {};
    stdin_heredoc_ = -1;
    skip_command_ = after_time_ = false;
  }

  void read_heredoc_bodies() {
    for (size_t k = 0; k < heredocs_.size(); ++k) {
      const Heredoc& h = heredocs_[k];
      size_t body_start = i_;
      std::string_view body = s_.substr(body_start);
      for (;;) {
        if (i_ >= s_.size()) break;
        size_t eol = s_.find('\n', i_);
        std::string_view line = s_.substr(i_, eol == std::string_view::npos ? std::string_view::npos : eol - i_);
        if (h.strip_tabs) while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
        if (line == h.delim) {
          body = s_.substr(body_start, i_ - body_start);
          i_ = eol == std::string_view::npos ? s_.size() : eol + 1;
          break;
        }
        i_ = eol == std::string_view::npos ? s_.size() : eol + 1;
      }
      emit_deferred(k, body, h.expands && body.find_first_of("$`") != std::string_view::npos);
      if (h.expands) scan_substitutions(body);
    }
    heredocs_.clear();
  }

  // The commands whose stdin is heredoc `k`, now that its body is known.
  void emit_deferred(size_t k, std::string_view body, bool dynamic) {
    for (auto it = deferred_.begin(); it != deferred_.end();) {
      if (it->heredoc != k) { ++it; continue; }
      it->io.in = Feed{Feed::Kind::kText, std::string(body), dynamic};
      emit_command(std::move(it->cmd), it->io, depth_, out_);
      it = deferred_.erase(it);
    }
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
    bool to_stdin = true;
    if (in_word_ && !word_quoted_ && !word_.empty() &&
        word_.find_first_not_of("0123456789") == std::string::npos) {
      to_stdin = word_.find_first_not_of('0') == std::string::npos;
      word_.clear();
      in_word_ = false;
    }
    end_word();
    char c = s_[i_];
    if (peek() == '(') {  // <(cmd) / >(cmd): a file name produced by a command
      size_t close = close_paren(i_ + 2);
      if (close == std::string_view::npos) { out_->complete = false; i_ = s_.size(); return; }
      std::string_view inner = s_.substr(i_ + 2, close - i_ - 2);
      sub(inner);
      start_word();
      word_dyn_ = true;
      word_ += "<(..)";
      word_feed_ = c == '<' ? script_output(inner, depth_) : Feed{Feed::Kind::kHidden, "", false};
      i_ = close + 1;
      return;
    }
    ++i_;
    redirect_kind_ = Redirect::kOther;
    if (c == '<' && peek(0) == '<' && peek(1) == '<') {  // <<< here-string: the word is data
      i_ += 2;
      if (to_stdin) redirect_kind_ = Redirect::kHereString;
    } else if (c == '<' && peek(0) == '<') {
      ++i_;
      heredoc_strip_ = peek(0) == '-';
      if (heredoc_strip_) ++i_;
      heredoc_delim_ = true;
      heredoc_stdin_ = to_stdin;
      return;
    } else if (peek(0) == c || peek(0) == '&' || peek(0) == '|' || (c == '<' && peek(0) == '>')) {
      if (c == '<' && to_stdin) redirect_kind_ = peek(0) == '&' ? Redirect::kStdinDup : Redirect::kStdinFile;
      ++i_;
    } else if (c == '<' && to_stdin) {
      redirect_kind_ = Redirect::kStdinFile;
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
      case ';': case '|': case ')': {
        bool pipe = c == '|' && peek() != '|';
        end_command();
        i_ += (peek() == c || (c == '|' && peek() == '&')) ? 2 : 1;
        if (pipe) in_ = last_output_;  // the next command reads what this one printed
        return;
      }
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
  struct Deferred {  // a command waiting for the body of the heredoc on its stdin
    ParsedCommand cmd;
    CommandIo io;
    size_t heredoc;
  };
  enum class Redirect { kOther, kStdinFile, kHereString, kStdinDup };

  std::string_view s_;
  size_t i_ = 0;
  int depth_;
  ParsedScript* out_;
  std::vector<std::string> words_;
  std::vector<bool> dyn_;
  std::vector<Feed> feeds_;    // per word in words_: what a <(..) word holds
  Feed word_feed_;             // of the word being read
  Feed in_;                    // the command's stdin
  Feed last_output_;           // what the last command prints, if it is one literal echo
  std::string word_;
  bool in_word_ = false, word_dyn_ = false, word_quoted_ = false, bracket_ = false;
  size_t quote_pos_ = std::string::npos;  // where the word's first quoted part starts
  bool redirect_target_ = false, heredoc_delim_ = false, heredoc_strip_ = false, skip_command_ = false;
  bool heredoc_stdin_ = false, after_time_ = false;
  Redirect redirect_kind_ = Redirect::kOther;
  int stdin_heredoc_ = -1;     // index in heredocs_ of the heredoc on the command's stdin
  std::vector<Heredoc> heredocs_;
  std::vector<Deferred> deferred_;
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
