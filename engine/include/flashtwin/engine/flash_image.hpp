// FlashImage: what a host's cache device holds durably, read back after a power loss
// (docs/CLUSTER.md, "Power loss"). The data of every slot is on the device (the runtime's to
// keep); the image is its metadata. The engine journals each slot's header (its block, clean or
// dirty, or the owner of a replica) as it changes, so what survives a power loss is the engine's
// view of every slot whose data had landed (HostEngine::flash_image), and a new engine starts
// from it (HostEngine::restore). A device that is not persistent (RAM) keeps nothing.
#pragma once

#include "flashtwin/engine/types.hpp"

#include <vector>

namespace flashtwin::engine {

struct FlashImage {
  // One of this host's own cached blocks.
  struct Block {
    SlotId slot = 0;
    DiskId disk = 0;
    BlockNo block = 0;
    bool dirty = false;
  };
  // A copy of another host's dirty block (write-back replication).
  struct Replica {
    SlotId slot = 0;
    HostId owner = 0;
    DiskId disk = 0;
    BlockNo block = 0;
    Epoch epoch = 0;
  };
  std::vector<Block> blocks;      // by slot
  std::vector<Replica> replicas;  // by slot
};

}  // namespace flashtwin::engine
