// lockedges — telling the program's own frames from the standard library's
// and the sanitizer runtime's.
//
// A report's top frames are usually pthread interceptors, hashtable.h or
// std::thread plumbing; what identifies a bug, and what a reader opens, is
// the first frame in the program's own code.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "detection/findings.hpp"

namespace lockedges::tsan {

// is_runtime_frame — a frame of the sanitizer runtime, the C or C++
// standard library, or no code at all ("<null> <null>"): by its file
// (/usr/include/, .../libsanitizer/, compiler-rt), else by its module
// (libtsan.so.2, libstdc++.so.6, libc.so.6), else by its function's
// namespace (std::, __gnu_cxx::, __tsan, pthread_).
bool is_runtime_frame(const Frame& frame);

// Which frames are the program's own: `is_user_file` when it is given (the
// case file, or what --src-root holds), else every frame that is not a
// runtime frame. An exception thrown by `is_user_file` counts as "not the
// program's".
struct UserCode {
  std::function<bool(std::string_view file)> is_user_file;
  bool operator()(const Frame& frame) const;
};

// first_user_frame — the top-most frame of `stack` that is the program's
// own, or nullptr.
const Frame* first_user_frame(const std::vector<Frame>& stack, const UserCode& user);

// file_name — "/src/app/cache.cpp" -> "cache.cpp".
std::string_view file_name(std::string_view path);

}  // namespace lockedges::tsan
