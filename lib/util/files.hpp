// lockedges — reading and writing whole files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace lockedges {

// The bytes of `path`; empty when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Writes `text` beside `path` and renames it into place, so no reader ever
// sees half a file; on failure the temporary file is removed. Returns why it
// failed (errno's, or the rename's error), or no error when `path` now holds
// `text`.
std::error_code write_file(const std::filesystem::path& path, std::string_view text);

// The same, saying why in `error`: "cannot write <path>.tmp: <why>" or
// "cannot rename <path>.tmp to <path>: <why>". Returns whether `path` now
// holds `text`.
bool write_file(const std::filesystem::path& path, std::string_view text, std::string& error);

// Why `path` cannot be written as write_file writes it (a folder that is
// missing or not a folder, no permission, a read-only file system), found by
// creating and removing a scratch file beside it; "" when it can. For
// checking an output path before the work that fills it.
std::string unwritable_file(const std::filesystem::path& path);

// FolderClaim — a command's hold on its output folder, so two commands never
// write into one folder at once. claim() makes the folder and takes an
// exclusive lock (flock) on its `.lockedges.lock`, which holds the holder's
// pid; the kernel lets go of it when the process ends, however it ends.
class FolderClaim {
 public:
  FolderClaim() = default;
  FolderClaim(FolderClaim&& other) noexcept;
  FolderClaim& operator=(FolderClaim&& other) noexcept;
  FolderClaim(const FolderClaim&) = delete;
  FolderClaim& operator=(const FolderClaim&) = delete;
  ~FolderClaim();

  // The claim, or why not in `error`: the folder cannot be made or written,
  // or another process holds it ("... is in use by lockedges (pid 4242) ...").
  static FolderClaim claim(const std::filesystem::path& folder, std::string& error);
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace lockedges
