#include "util/files.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace lockedges {

namespace {

struct WriteFailure {
  std::error_code error;
  bool renaming = false;  // the temporary file was written, and could not be renamed into place
};

WriteFailure write_then_rename(const std::filesystem::path& path, const std::filesystem::path& tmp,
                               std::string_view text) {
  {
    std::ofstream out(tmp, std::ios::binary);
    if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (out) out.close();
    if (!out) {
      const std::error_code error(errno, std::generic_category());
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return {error};
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return {ec, true};
  }
  return {};
}

std::filesystem::path temporary_for(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  return tmp += ".tmp";
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::error_code write_file(const std::filesystem::path& path, std::string_view text) {
  return write_then_rename(path, temporary_for(path), text).error;
}

bool write_file(const std::filesystem::path& path, std::string_view text, std::string& error) {
  const std::filesystem::path tmp = temporary_for(path);
  const WriteFailure failure = write_then_rename(path, tmp, text);
  if (!failure.error) return true;
  error = failure.renaming ? "cannot rename " + tmp.string() + " to " + path.string() + ": " + failure.error.message()
                           : "cannot write " + tmp.string() + ": " + failure.error.message();
  return false;
}

}  // namespace lockedges
