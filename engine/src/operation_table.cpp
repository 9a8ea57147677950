#include "operation_table.hpp"

namespace flashtwin::engine {

OpId OperationTable::create(OpKind kind) {
  OpId id;
  if (!free_ops_.empty()) {
    id = free_ops_.back();
    free_ops_.pop_back();
  } else {
    id = static_cast<OpId>(ops_.size());
    ops_.emplace_back();
  }
  Op& op = ops_[id];
  // Reset every field but keep the vectors' capacity: steady state allocates nothing.
  op.kind = kind;
  op.lock = LockMode::read;
  op.mode = CacheMode::pass_through;
  op.admitted = true;
  op.started = op.acked = false;
  op.status = Status::ok;
  op.flash_failed = op.array_failed = false;
  op.disk = 0;
  op.request = 0;
  op.offset = op.length = 0;
  op.first_block = 0;
  op.blocks = op.ungranted = op.in_flight = op.before_ack = op.reserved_dirty = 0;
  op.version = 0;
  op.served = {};
  // versions, slots, plan and the io_ lists are sized and written by whoever starts the
  // operation; only the flush's list is appended to.
  op.flush_keys.clear();
  op.flush_cursor = 0;
  op.written_through = op.releasing = false;
  op.peer = 0;
  op.vm = 0;
  op.epoch = 0;
  op.replica_flags.clear();
  op.release_versions.clear();
  op.submitted_at = op.started_at = op.flash_done_at = 0;
  op.replica_round_trip_ns = op.replica_peer_flash_ns = 0;
  op.replicas_sent = 0;
  return id;
}

CommandId OperationTable::issue(OpId op, CmdPurpose purpose, std::uint32_t first,
                                std::uint32_t count) {
  std::uint32_t index;
  if (!free_cmds_.empty()) {
    index = free_cmds_.back();
    free_cmds_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(cmds_.size());
    cmds_.emplace_back();
  }
  Cmd& cmd = cmds_[index];
  cmd = Cmd{op, purpose, true, cmd.generation + 1, first, count};
  ++ops_[op].in_flight;
  return (CommandId{cmd.generation} << 32) | index;
}

}  // namespace flashtwin::engine
