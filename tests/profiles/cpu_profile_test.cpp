// Reading a gperftools CPU profile (profiles/cpu_profile).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "profiles/cpu_profile.hpp"
#include "support/parser_checks.hpp"
#include "support/test_util.hpp"

namespace lockedges::profile {
namespace {

std::string profile_bytes(const std::vector<std::uint64_t>& slots, const std::string& maps) {
  std::string bytes(slots.size() * 8, '\0');
  std::memcpy(bytes.data(), slots.data(), bytes.size());
  return bytes + maps;
}

TEST(CpuProfile, ReadsHeaderSamplesTrailerAndExecutableMappings) {
  const std::string maps =
      "55d000000000-55d000001000 r--p 00000000 08:01 1 /opt/app\n"
      "55d000001000-55d000005000 r-xp 00001000 08:01 1 /opt/app\n";
  std::string error;
  const auto p = read_cpu_profile(
      profile_bytes({0, 3, 0, 1000, 0, 2, 2, 0x55d000001234, 0x55d000002000, 5, 1, 0x55d000001300, 0, 1, 0}, maps),
      error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->period_us, 1000u);
  ASSERT_EQ(p->samples.size(), 2u);
  EXPECT_EQ(p->samples[0].count, 2u);
  EXPECT_EQ(p->samples[0].pcs, (std::vector<std::uint64_t>{0x55d000001234, 0x55d000002000}));
  EXPECT_EQ(p->samples[1].count, 5u);
  ASSERT_EQ(p->mappings.size(), 1u) << "only executable regions";
  EXPECT_EQ(p->mappings[0].path, "/opt/app");
  EXPECT_EQ(p->mappings[0].offset, 0x1000u);
}

TEST(CpuProfile, RejectsABadHeaderAndATruncatedFile) {
  std::string error;
  EXPECT_FALSE(read_cpu_profile(profile_bytes({1, 3, 0, 1000, 0, 0, 1, 0}, ""), error));
  EXPECT_NE(error.find("header"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(read_cpu_profile(profile_bytes({0, 3, 0, 1000, 0, 2, 5, 1, 2}, ""), error));
  EXPECT_NE(error.find("past the end"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(read_cpu_profile(profile_bytes({0, 3, 0, 1000, 0, 2, 1, 1}, ""), error));
  EXPECT_NE(error.find("trailer"), std::string::npos) << error;
}

TEST(CpuProfile, CountsTooLargeForTheFileCannotWrapAnIndexAround) {
  // A header length or a stack depth near 2^64 once wrapped `i + 2 + depth`
  // past zero, and the reader went on far beyond the end of the bytes.
  std::string error;
  EXPECT_FALSE(read_cpu_profile(profile_bytes({0, ~0ull, 0, 1000, 0, 0, 1, 0}, ""), error));
  EXPECT_NE(error.find("header"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(read_cpu_profile(profile_bytes({0, 3, 0, 1000, 0, 1, ~0ull - 2, 0, 1, 0}, ""), error));
  EXPECT_NE(error.find("past the end"), std::string::npos) << error;
}

TEST(CpuProfile, AMapsLineWhoseNumbersAreNotHexIsSkippedNotThrown) {
  // Found by fuzz/run.sh (tests/fixtures/fuzz/cpu_profile/crash-9e44...): a
  // byte of a real profile's maps text changed, and std::stoull threw.
  const std::string maps =
      "55d000001000-55d000005000 r-xp 0000100q 08:01 1 /opt/bad-offset\n"
      "zz-55d000005000 r-xp 00001000 08:01 1 /opt/bad-start\n"
      "55d000001000-1ffffffffffffffff r-xp 00001000 08:01 1 /opt/too-large\n"
      "55d000001000- r-xp 00001000 08:01 1 /opt/no-end\n"
      "55d000005000-55d000006000 r-xp 00002000 08:01 1 /opt/app\n";
  std::string error;
  std::optional<RawProfile> p;
  ASSERT_NO_THROW(p = read_cpu_profile(profile_bytes({0, 3, 0, 1000, 0, 0, 1, 0}, maps), error));
  ASSERT_TRUE(p) << error;
  ASSERT_EQ(p->mappings.size(), 1u);
  EXPECT_EQ(p->mappings[0].path, "/opt/app");
  EXPECT_EQ(p->mappings[0].start, 0x55d000005000u);
}

TEST(CpuProfile, NamesWhatItCanAndKeepsTheRestAsAddressesRootFirst) {
  // No file behind the mapping: nm finds nothing, so every frame stays an
  // address; the stack is root first, a return address is named by the call
  // before it, and the interrupted address by the instruction before it.
  const std::string maps = "7f0000000000-7f0000010000 r-xp 00000000 08:01 1 /nonexistent/libx.so\n";
  std::string error;
  const auto p =
      read_cpu_profile(profile_bytes({0, 3, 0, 1000, 0, 3, 2, 0x7f0000000100, 0x7f0000000200, 0, 1, 0}, maps), error);
  ASSERT_TRUE(p) << error;
  const auto stacks = symbolize(*p, "/nonexistent/app", error);
  ASSERT_EQ(stacks.size(), 1u) << error;
  EXPECT_EQ(stacks[0].count, 3);
  EXPECT_EQ(stacks[0].frames, (std::vector<std::string>{"0x1ff", "0xff"}));
  EXPECT_EQ(collapsed_text(stacks), "0x1ff;0xff 3\n");
}

TEST(CpuProfile, EveryInputTheFuzzerKeptHoldsTheReadersPromises) {
  // The corpus of fuzz/run.sh's cpu_profile target: inputs that each reached some
  // code no other did, and the ones that once broke the parser (crash-*).
  testing::replay_fuzz_corpus("cpu_profile", checks::cpu_profile);
}

}  // namespace
}  // namespace lockedges::profile
