#include "detection/frames.hpp"

namespace lockedges::tsan {
namespace {

using std::string_view;

bool frame_starts_with_any(string_view s, std::initializer_list<string_view> prefixes) {
  for (string_view p : prefixes)
    if (s.starts_with(p)) return true;
  return false;
}

bool frame_contains_any(string_view s, std::initializer_list<string_view> parts) {
  for (string_view p : parts)
    if (s.find(p) != string_view::npos) return true;
  return false;
}

}  // namespace

bool is_runtime_frame(const Frame& f) {
  if (!f.file.empty())
    return f.file.starts_with("/usr/include/") || f.file.starts_with("/usr/lib/") ||
           frame_contains_any(f.file, {"/libsanitizer/", "/compiler-rt/", "/sanitizer_common/", "/include/c++/",
                                 "/libstdc++-v3/", "/glibc-", "/nptl/"});
  if (!f.module.empty() &&
      frame_starts_with_any(f.module, {"libtsan", "libasan", "libubsan", "liblsan", "libclang_rt", "libstdc++",
                                 "libc.so", "libc++", "libpthread", "ld-linux", "libgcc"}))
    return true;
  if (f.function.empty()) return true;
  return frame_starts_with_any(f.function, {"std::", "__gnu_cxx::", "__tsan", "__asan", "__sanitizer",
                                      "__interceptor", "__gthread", "__glibcxx", "pthread_", "__cxa_",
                                      "__libc", "start_thread", "clone"});
}

bool UserCode::operator()(const Frame& f) const {
  if (!is_user_file) return !is_runtime_frame(f);
  if (f.file.empty()) return false;
  try {
    return is_user_file(f.file);
  } catch (...) {
    return false;
  }
}

const Frame* first_user_frame(const std::vector<Frame>& stack, const UserCode& user) {
  for (const Frame& f : stack)
    if (user(f)) return &f;
  return nullptr;
}

std::string_view file_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace lockedges::tsan
