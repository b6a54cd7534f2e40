// Tests for lib/detection/source_names: a mutex named the way the line that
// created or took it names it.
#include "detection/source_names.hpp"

#include <gtest/gtest.h>

namespace lockedges::tsan {
namespace {

TEST(LockExpression, TheGuardsArgumentIsTheMutex) {
  EXPECT_EQ(lock_expression("  std::shared_lock lock(idx.mu_);"), "idx.mu_");
  EXPECT_EQ(lock_expression("  std::unique_lock<std::shared_mutex> l{this->mu_};"), "this->mu_");
  EXPECT_EQ(lock_expression("  std::lock_guard g(child->mu_);  // comment (x)"), "child->mu_");
  EXPECT_EQ(lock_expression("  std::scoped_lock both(a.mu_, b.mu_);"), "a.mu_");
  EXPECT_EQ(lock_expression("  absl::ReaderMutexLock l(&table_mu_);"), "table_mu_");
}

TEST(LockExpression, MemberCallsAndPthreadCalls) {
  EXPECT_EQ(lock_expression("  shards[i].mu.lock_shared();"), "shards[i].mu");
  EXPECT_EQ(lock_expression("  node->mu_.try_lock();"), "node->mu_");
  EXPECT_EQ(lock_expression("  pthread_rwlock_rdlock(&table_lock);"), "table_lock");
  EXPECT_EQ(lock_expression("  pthread_mutex_lock(&g_state->mu);"), "g_state->mu");
}

TEST(LockExpression, DeclarationsNameTheirVariable) {
  EXPECT_EQ(lock_expression("  std::shared_mutex mu_;"), "mu_");
  EXPECT_EQ(lock_expression("static std::mutex registry_mu;"), "registry_mu");
  EXPECT_EQ(lock_expression("pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;"), "table_lock");
}

TEST(LockExpression, OtherLinesNameNothing) {
  EXPECT_EQ(lock_expression("  return map_[key];"), "");
  EXPECT_EQ(lock_expression(""), "");
  EXPECT_EQ(lock_expression("  // std::shared_lock lock(mu_);"), "");
  EXPECT_EQ(lock_expression("  std::shared_lock lock(make_mutex(1, 2) + weird stuff here);"), "");
}

TEST(DeclaredLabel, TheOneLiteralAMemberIsGiven) {
  const std::string source =
      "struct Counters {\n  lockedges::SharedMutex mu_{\"counters.mu_\"};\n  std::map<int,int> m;\n};\n"
      "void f(Counters& c) { std::shared_lock lock(c.mu_); }\n";
  EXPECT_EQ(declared_label(source, "mu_"), "counters.mu_");
  EXPECT_EQ(declared_label(source, "other_"), "");
  EXPECT_EQ(declared_label("A mu_{\"a\"}; B mu_{\"b\"};", "mu_"), "") << "two names: neither is the one";
  EXPECT_EQ(declared_label("Shard() : mu_(name + \".mu_\") {}", "mu_"), "") << "no literal";
}

TEST(LastMember, ThePartAfterTheLastAccess) {
  EXPECT_EQ(last_member("child->mu_"), "mu_");
  EXPECT_EQ(last_member("idx.mu_"), "mu_");
  EXPECT_EQ(last_member("mu_"), "mu_");
}

}  // namespace
}  // namespace lockedges::tsan
