// lockedges — ScopeExit, a deferred action that runs when its scope ends.
//
// Written here because libstdc++ 12 has no std::experimental::scope_exit.
// It is C++'s closest match to Go's `defer`: the action runs at the closing
// brace, in reverse order of declaration relative to the other objects of
// the scope — which is exactly what the deferred-lambda-write case is about.
#pragma once

#include <utility>

namespace lockedges {

template <typename F>
class ScopeExit {
 public:
  explicit ScopeExit(F action) : action_(std::move(action)) {}
  ~ScopeExit() { action_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  F action_;
};

}  // namespace lockedges
