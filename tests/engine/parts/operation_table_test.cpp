// OperationTable: command ids refused once stale, operations recycled only after two drains.
#include "operation_table.hpp"

#include <gtest/gtest.h>

namespace flashtwin::engine {
namespace {

TEST(OperationTable, ACommandIsFoundUntilItCompletesAndItsIdIsRefusedAfterwards) {
  OperationTable table;
  const OpId op = table.create(OpKind::read);
  const CommandId first = table.issue(op, CmdPurpose::hit_read, 0, 2);
  EXPECT_EQ(table[op].in_flight, 1u);
  ASSERT_NE(table.find(first), nullptr);
  EXPECT_EQ(table.find(first)->op, op);
  EXPECT_EQ(table.find(first)->count, 2u);
  table.complete(first);
  EXPECT_EQ(table[op].in_flight, 0u);
  EXPECT_EQ(table.find(first), nullptr);  // completed already

  // The record is reused with a new generation: the old id stays refused, the new one is found.
  const CommandId second = table.issue(op, CmdPurpose::miss_read, 0, 1);
  EXPECT_EQ(static_cast<std::uint32_t>(second), static_cast<std::uint32_t>(first));
  EXPECT_NE(second, first);
  EXPECT_EQ(table.find(first), nullptr);
  ASSERT_NE(table.find(second), nullptr);
  EXPECT_EQ(table.find(second)->purpose, CmdPurpose::miss_read);
}

TEST(OperationTable, AnIdNeverIssuedIsRefused) {
  OperationTable table;
  EXPECT_EQ(table.find(0), nullptr);
  const OpId op = table.create(OpKind::write);
  const CommandId id = table.issue(op, CmdPurpose::flash_write, 0, 1);
  EXPECT_EQ(table.find(id + 1), nullptr);                     // an index beyond the table
  EXPECT_EQ(table.find(id + (CommandId{1} << 32)), nullptr);  // a generation not issued yet
  EXPECT_EQ(table.find(id & 0xFFFFFFFFull), nullptr);         // generation 0: never issued
  EXPECT_EQ(table.commands_in_flight(), 1u);
}

TEST(OperationTable, ARetiredOperationIsRecycledOnlyAfterTheRuntimeHasDrainedTwice) {
  OperationTable table;
  const OpId a = table.create(OpKind::read);
  table.retire(a);
  const OpId b = table.create(OpKind::read);  // before any drain: a new record
  EXPECT_NE(b, a);
  table.runtime_drained();  // the runtime takes the commands pointing into a
  const OpId c = table.create(OpKind::read);
  EXPECT_NE(c, a);
  EXPECT_NE(c, b);
  table.runtime_drained();  // and is done with them: a may be reused
  EXPECT_EQ(table.create(OpKind::write), a);
  EXPECT_EQ(table.records(), 3u);
}

TEST(OperationTable, ARecycledOperationStartsFreshButKeepsItsVectorsCapacity) {
  OperationTable table;
  const OpId a = table.create(OpKind::write);
  Op& op = table[a];
  op.blocks = 5;
  op.in_flight = 0;
  op.acked = true;
  op.status = Status::io_error;
  op.versions.assign(64, 9);
  op.flush_keys.emplace_back(1, 2);
  op.flush_cursor = 1;
  table.retire(a);
  table.runtime_drained();
  table.runtime_drained();
  ASSERT_EQ(table.create(OpKind::destage), a);
  const Op& fresh = table[a];
  EXPECT_EQ(fresh.kind, OpKind::destage);
  EXPECT_EQ(fresh.blocks, 0u);
  EXPECT_FALSE(fresh.acked);
  EXPECT_EQ(fresh.status, Status::ok);
  EXPECT_TRUE(fresh.flush_keys.empty());
  EXPECT_EQ(fresh.flush_cursor, 0u);
  EXPECT_GE(fresh.versions.capacity(), 64u);
}

}  // namespace
}  // namespace flashtwin::engine
