#include "detection/source_names.hpp"

#include <array>
#include <cctype>

#include "util/text.hpp"

namespace lockedges::tsan {
namespace {

using std::string_view;

bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The longest access path ("a.b->c_", "this->mu_", "*p") that ends right
// before `end` in `s`.
string_view path_before(string_view s, std::size_t end) {
  std::size_t b = end;
  while (b > 0) {
    char c = s[b - 1];
    if (is_ident(c) || c == '.' || c == ':' || c == '[' || c == ']') --b;
    else if (c == '>' && b >= 2 && s[b - 2] == '-') b -= 2;
    else break;
  }
  string_view p = s.substr(b, end - b);
  while (!p.empty() && (p.front() == '.' || p.front() == ':')) p.remove_prefix(1);
  return p;
}

// The first argument of the call whose '(' or '{' is at `open`, without a
// leading '&' or '*' and spaces.
string_view first_argument(string_view s, std::size_t open) {
  std::size_t b = open + 1;
  while (b < s.size() && (s[b] == ' ' || s[b] == '&' || s[b] == '*')) ++b;
  std::size_t e = b;
  int depth = 0;
  for (; e < s.size(); ++e) {
    char c = s[e];
    if (c == '(' || c == '[') ++depth;
    else if ((c == ')' || c == ']' || c == '}') && depth-- == 0) break;
    else if (c == ',' && depth == 0) break;
  }
  return trim(s.substr(b, e - b));
}

bool plausible(string_view name) {
  if (name.empty() || name.size() > 80) return false;
  for (char c : name)
    if (!(is_ident(c) || c == '.' || c == '-' || c == '>' || c == ':' || c == '[' || c == ']')) return false;
  return true;
}

}  // namespace

std::string lock_expression(std::string_view line) { return lock_line(line).expression; }

LockLine lock_line(std::string_view line) {
  string_view s = line.substr(0, line.find("//"));
  // RAII guards and the pthread calls: the mutex is the first argument.
  static constexpr std::array<string_view, 12> kTakers = {
      "shared_lock", "unique_lock", "lock_guard", "scoped_lock", "ReaderMutexLock", "WriterMutexLock",
      "MutexLock", "pthread_mutex_lock", "pthread_rwlock_rdlock", "pthread_rwlock_wrlock",
      "pthread_mutex_init", "pthread_rwlock_init"};
  for (string_view taker : kTakers) {
    for (std::size_t at = s.find(taker); at != string_view::npos; at = s.find(taker, at + 1)) {
      if (at > 0 && is_ident(s[at - 1])) continue;
      std::size_t open = s.find_first_of("({", at + taker.size());
      if (open == string_view::npos) continue;
      std::string name(first_argument(s, open));
      if (plausible(name)) return {std::move(name), LockIdiom::kGuard};
    }
  }
  // x.lock(), x->lock_shared(), x.try_lock_shared() ...
  static constexpr std::array<string_view, 6> kMembers = {".lock", "->lock", ".try_lock", "->try_lock",
                                                          ".unlock", "->unlock"};
  for (string_view member : kMembers) {
    std::size_t at = s.find(member);
    if (at == string_view::npos) continue;
    std::string name(path_before(s, at));
    if (plausible(name)) return {std::move(name), LockIdiom::kMemberCall};
  }
  // A declaration: "<...mutex type> name[;{(=]".
  for (string_view type : {string_view("mutex "), string_view("Mutex "), string_view("mutex> "),
                           string_view("rwlock_t ")}) {
    std::size_t at = s.find(type);
    if (at == string_view::npos) continue;
    std::size_t b = at + type.size();
    while (b < s.size() && s[b] == ' ') ++b;
    std::size_t e = b;
    while (e < s.size() && is_ident(s[e])) ++e;
    if (e > b && e < s.size() && string_view(";{(= ").find(s[e]) != string_view::npos)
      return {std::string(s.substr(b, e - b)), LockIdiom::kDeclaration};
  }
  return {};
}

std::string_view last_member(std::string_view e) {
  const std::size_t at = e.find_last_of(".>:");
  return at == string_view::npos ? e : e.substr(at + 1);
}

std::string declared_label(std::string_view source, std::string_view member) {
  if (member.empty()) return "";
  std::string found;
  for (std::size_t at = source.find(member); at != string_view::npos; at = source.find(member, at + 1)) {
    if (at > 0 && is_ident(source[at - 1])) continue;
    string_view rest = source.substr(at + member.size());
    if (!(rest.starts_with("{\"") || rest.starts_with("(\""))) continue;
    rest.remove_prefix(2);
    const std::size_t end = rest.find('"');
    if (end == string_view::npos) continue;
    const string_view literal = rest.substr(0, end);
    if (!found.empty() && found != literal) return "";  // two names for one member: neither is the one
    found = std::string(literal);
  }
  return found;
}

}  // namespace lockedges::tsan
