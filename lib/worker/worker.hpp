// lockedges — the child side: run one variant once and write what happened
// (the protocol is lib/child/protocol.hpp).
#pragma once

#include "child/protocol.hpp"

namespace lockedges {

// Runs the requested variant in this process and writes its WorkerResult;
// returns the worker's exit status (0, kWorkerUsageError or kWorkerFailed).
int run_worker(const WorkerRequest& request);

}  // namespace lockedges
