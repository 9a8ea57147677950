// BlktraceReader on tar bundles of per-CPU files (.tar, .tar.gz, .tar.zst), read in place: the
// same records, latencies and missing-CPU report as the extracted files; GNU long names, pax
// headers and tars written by the system's tar; a corrupt header, a truncated member, a bundle
// without blktrace members and a linked member as TraceErrors naming the bundle, the member and
// the offset; and the real hadoop-datanode bundle of ../shared/traces against its extracted
// files (skipped when absent, a failure when the environment variable CI is "true").
#include "blktrace_test_files.hpp"
#include "flashtwin/models/blktrace_reader.hpp"
#include "tar_test_files.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#ifndef FLASHTWIN_TRACES_DIR
#error "FLASHTWIN_TRACES_DIR (the shared/traces folder) must be defined"
#endif

namespace flashtwin::models {
namespace {

using namespace testing;  // NOLINT: the blktrace and tar test vocabulary
namespace fs = std::filesystem;

bool on_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// One yielded request with the record behind it and its latency.
struct Seen {
  StreamRequest request;
  BlktraceRecord record;
  std::optional<std::int64_t> latency_ns;
};

std::vector<Seen> drain(BlktraceReader& reader) {
  std::vector<Seen> seen;
  StreamRequest request;
  while (reader.next(request))
    seen.push_back({request, reader.last_record(), reader.last_latency_ns()});
  return seen;
}

BlktraceOptions paired() {
  BlktraceOptions options;
  options.pair_completions = true;
  return options;
}

void expect_same(const std::vector<Seen>& actual, const std::vector<Seen>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < actual.size() && mismatches < 5; ++i) {
    const Seen& a = actual[i];
    const Seen& e = expected[i];
    const bool same = a.request.time_ns == e.request.time_ns && a.request.kind == e.request.kind &&
                      a.request.offset_bytes == e.request.offset_bytes &&
                      a.request.length_bytes == e.request.length_bytes &&
                      a.request.device == e.request.device && a.record.cpu == e.record.cpu &&
                      a.record.sequence == e.record.sequence &&
                      a.record.action == e.record.action && a.record.pid == e.record.pid &&
                      a.latency_ns == e.latency_ns;
    if (!same) {
      ++mismatches;
      ADD_FAILURE() << "request " << i << " differs: time " << a.request.time_ns << " vs "
                    << e.request.time_ns << ", offset " << a.request.offset_bytes << " vs "
                    << e.request.offset_bytes << ", cpu " << a.record.cpu << " vs " << e.record.cpu;
    }
  }
}

// CPUs 0, 1 and 3 of one trace (CPU 2's file is missing): interleaved Q events with payloads,
// every other one completed, each file larger than the reader's 128 KiB buffer.
std::map<unsigned, BlktraceBytes> per_cpu_files() {
  std::map<unsigned, BlktraceBytes> files;
  for (const unsigned cpu : {0U, 1U, 3U}) {
    BlktraceBytes& bytes = files[cpu];
    std::uint32_t sequence = 1;
    for (std::uint32_t i = 0; i < 1500; ++i) {
      const std::uint64_t time = 1'000'000 + 40ULL * i + 7 * cpu;
      TestRecord queued =
          queue_record(cpu, sequence++, time, cpu * 1'000'000ULL + 8ULL * i, 4096, i % 3 == 0);
      queued.pdu.assign(i % 50, 0x5a);
      bytes.add(queued);
      if (i % 2 == 0) {
        TestRecord completed = queued;
        completed.sequence = sequence++;
        completed.time_ns = time + 25 + cpu;
        completed.action = kComplete | kTcComplete | (queued.action & (kTcWrite | kTcRead));
        completed.pdu.clear();
        bytes.add(completed);
      }
    }
  }
  return files;
}

Bytes as_bytes(const BlktraceBytes& bytes) {
  return bytes.bytes();
}

// The per-CPU files extracted in `folder` as host/sdb.blktrace.N, and a bundle of them: a folder
// entry, a README, CPU 3 before CPU 1, CPU 1's path in the ustar prefix field.
Bytes write_files_and_bundle(const fs::path& folder) {
  const auto files = per_cpu_files();
  fs::create_directories(folder / "host");
  for (const auto& [cpu, bytes] : files)
    bytes.write(folder / "host" / ("sdb.blktrace." + std::to_string(cpu)));
  const std::string readme = "captured with blktrace -d /dev/sdb\n";
  return TarWriter()
      .directory("host/")
      .file("host/README", Bytes(readme.begin(), readme.end()))
      .file("./host/sdb.blktrace.0", as_bytes(files.at(0)))
      .file("host/sdb.blktrace.3", as_bytes(files.at(3)))
      .file_with_prefix("host", "sdb.blktrace.1", as_bytes(files.at(1)))
      .finish();
}

struct Packing {
  const char* suffix;
  Bytes (*pack)(const Bytes&);
};
const Packing kPackings[] = {
    {".tar", [](const Bytes& b) { return b; }},
    {".tar.gz", [](const Bytes& b) { return gzip_bytes(b); }},
    {".tar.zst", [](const Bytes& b) { return zstd_bytes(b); }},
};

// The TraceError message of reading `path` to its end, empty if there is none.
std::string error_of(const fs::path& path, bool lenient = false) {
  BlktraceOptions options;
  options.lenient = lenient;
  try {
    BlktraceReader reader({path}, options);
    drain(reader);
  } catch (const TraceError& error) {
    return error.what();
  }
  return {};
}

TEST(BlktraceBundle, ReadsLikeTheExtractedFiles) {
  ScratchFolder folder;
  const Bytes tar = write_files_and_bundle(folder.path());
  BlktraceReader extracted(BlktraceReader::cpu_files(folder / "host/sdb"), paired());
  const std::vector<Seen> expected = drain(extracted);
  ASSERT_EQ(expected.size(), 3U * 1500U);
  ASSERT_EQ(extracted.counters().completions_paired, 3U * 750U);
  for (const Packing& packing : kPackings) {
    SCOPED_TRACE(packing.suffix);
    const fs::path bundle = folder / (std::string("sdb.blktrace") + packing.suffix);
    write_bytes(bundle, packing.pack(tar));
    EXPECT_TRUE(BlktraceReader::is_bundle(bundle));
    BlktraceReader reader({bundle}, paired());
    expect_same(drain(reader), expected);
    const BlktraceCounters counters = reader.counters();
    EXPECT_EQ(counters.missing_cpu_files, std::vector<unsigned>{2});
    EXPECT_EQ(counters.records_read, extracted.counters().records_read);
    EXPECT_EQ(counters.completions_paired, 3U * 750U);
    EXPECT_EQ(counters.completions_unpaired, 3U * 750U);
    EXPECT_EQ(reader.describe(), "blktrace Q events of 3 member(s) of bundle " + bundle.string());
  }
}

TEST(BlktraceBundle, MixesBundlesAndFiles) {
  ScratchFolder folder;
  const Bytes tar = write_files_and_bundle(folder.path());
  write_bytes(folder / "b.tar.zst", zstd_bytes(tar));
  BlktraceReader extracted(BlktraceReader::cpu_files(folder / "host/sdb"));
  const std::vector<Seen> once = drain(extracted);
  // The bundle and CPU 0's file again: every request of CPU 0 twice, the others once.
  BlktraceReader both({folder / "b.tar.zst", folder / "host/sdb.blktrace.0"});
  EXPECT_EQ(drain(both).size(), once.size() + 1500U);
}

TEST(BlktraceBundle, GnuLongNamesAndPaxHeaders) {
  ScratchFolder folder;
  const auto files = per_cpu_files();
  for (const auto& [cpu, bytes] : files)
    bytes.write(folder / ("sdb.blktrace." + std::to_string(cpu)));
  BlktraceReader extracted(BlktraceReader::cpu_files(folder / "sdb"), paired());
  const std::vector<Seen> expected = drain(extracted);
  const std::string deep = "traces/" + std::string(120, 'd') + "/";
  // The pax size record wins over the ustar size field (0 here); the GNU name over the cut one.
  const Bytes tar = TarWriter()
                        .gnu_long_name_file(deep + "sdb.blktrace.0", as_bytes(files.at(0)))
                        .pax_file(deep + "sdb.blktrace.1", as_bytes(files.at(1)), 0)
                        .file("sdb.blktrace.3", as_bytes(files.at(3)))
                        .finish();
  for (const Packing& packing : kPackings) {
    SCOPED_TRACE(packing.suffix);
    const fs::path bundle = folder / (std::string("long") + packing.suffix);
    write_bytes(bundle, packing.pack(tar));
    BlktraceReader reader({bundle}, paired());
    expect_same(drain(reader), expected);
    EXPECT_EQ(reader.counters().missing_cpu_files, std::vector<unsigned>{2});
  }
}

TEST(BlktraceBundle, ReadsWhatTheSystemTarWrites) {
  if (std::system("command -v tar > /dev/null 2>&1") != 0) {
    if (on_ci()) FAIL() << "tar is not installed";
    GTEST_SKIP() << "tar is not installed";
  }
  ScratchFolder folder;
  write_files_and_bundle(folder.path());
  // A path past ustar's 100 + 155 bytes, so that pax and GNU write their extensions.
  const fs::path deep = folder / "x" / std::string(150, 'p') / std::string(140, 'q');
  fs::create_directories(deep);
  for (const unsigned cpu : {0U, 1U, 3U}) {
    const std::string name = "sdb.blktrace." + std::to_string(cpu);
    fs::copy_file(folder / "host" / name, deep / name);
  }
  BlktraceReader extracted(BlktraceReader::cpu_files(folder / "host/sdb"), paired());
  const std::vector<Seen> expected = drain(extracted);
  for (const char* format : {"pax", "gnu", "ustar"}) {
    SCOPED_TRACE(format);
    const bool long_paths = std::string(format) != "ustar";
    const fs::path plain = folder / (std::string(format) + ".tar");
    const std::string command = "tar --format=" + std::string(format) + " -cf '" + plain.string() +
                                "' -C '" + folder.path().string() + "' " +
                                (long_paths ? "x" : "host");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    const Bytes tar = read_bytes(plain);
    for (const Packing& packing : kPackings) {
      SCOPED_TRACE(packing.suffix);
      const fs::path bundle = folder / (std::string(format) + "-bundle" + packing.suffix);
      write_bytes(bundle, packing.pack(tar));
      BlktraceReader reader({bundle}, paired());
      expect_same(drain(reader), expected);
      EXPECT_EQ(reader.counters().missing_cpu_files, std::vector<unsigned>{2});
    }
  }
}

TEST(BlktraceBundle, CorruptHeaderNamesTheBundleAndOffset) {
  ScratchFolder folder;
  Bytes tar = write_files_and_bundle(folder.path());
  // Headers: host/ at 0, README at 512 (data at 1024), CPU 0's at 1536.
  tar[1536 + 5] ^= 0x20;  // a letter of its name
  for (const Packing& packing : kPackings) {
    SCOPED_TRACE(packing.suffix);
    const fs::path bundle = folder / (std::string("bad") + packing.suffix);
    write_bytes(bundle, packing.pack(tar));
    for (const bool lenient : {false, true}) {
      const std::string message = error_of(bundle, lenient);
      EXPECT_EQ(message.rfind(bundle.string() + ": byte 1536: bad tar header: checksum ", 0), 0U)
          << message;
    }
  }
}

TEST(BlktraceBundle, TruncatedMemberNamesTheMember) {
  ScratchFolder folder;
  Bytes tar = write_files_and_bundle(folder.path());
  // Cut in the middle of the last member's data: CPU 1's, found by its header (name at byte 0,
  // prefix at byte 345).
  const std::size_t cpu1_size = per_cpu_files().at(1).size();
  std::size_t header = 0;
  for (std::size_t at = 0; at + 512 <= tar.size(); at += 512) {
    if (std::string(reinterpret_cast<const char*>(&tar[at + 345]), 4) == "host" &&
        std::string(reinterpret_cast<const char*>(&tar[at]), 14) == "sdb.blktrace.1") {
      header = at;
    }
  }
  ASSERT_GT(header, 0U);
  tar.resize(header + 512 + cpu1_size / 2);
  const fs::path bundle = folder / "cut.tar";
  write_bytes(bundle, tar);
  const std::string message = error_of(bundle);
  EXPECT_EQ(message, bundle.string() +
                         ": member host/sdb.blktrace.1: truncated member: the archive ends after " +
                         std::to_string(cpu1_size / 2) + " of its " + std::to_string(cpu1_size) +
                         " bytes (byte " + std::to_string(tar.size()) + " of the archive)");
  // Compressed, the decompressor finds the cut: the message names the bundle and the codec.
  for (const Packing& packing : {kPackings[1], kPackings[2]}) {
    SCOPED_TRACE(packing.suffix);
    Bytes packed = packing.pack(write_files_and_bundle(folder / "again"));
    packed.resize(packed.size() * 3 / 4);
    const fs::path cut = folder / (std::string("cut") + packing.suffix);
    write_bytes(cut, packed);
    const std::string error = error_of(cut, /*lenient=*/true);
    EXPECT_EQ(error.rfind(cut.string() + ": ", 0), 0U) << error;
    EXPECT_NE(error.find(packing.suffix[5] == 'g' ? "gzip" : "zstd"), std::string::npos) << error;
  }
}

TEST(BlktraceBundle, WithoutBlktraceMembersIsATraceError) {
  ScratchFolder folder;
  const std::string text = "no trace here\n";
  const Bytes tar = TarWriter()
                        .directory("host/")
                        .file("host/README", Bytes(text.begin(), text.end()))
                        .file("host/sdb.blktrace.x", Bytes(text.begin(), text.end()))
                        // No CPU number: a gap up to it would list billions of missing CPUs.
                        .file("host/sdb.blktrace.4000000000", Bytes(text.begin(), text.end()))
                        .finish();
  for (const Packing& packing : kPackings) {
    SCOPED_TRACE(packing.suffix);
    const fs::path bundle = folder / (std::string("empty") + packing.suffix);
    write_bytes(bundle, packing.pack(tar));
    EXPECT_EQ(error_of(bundle),
              bundle.string() + ": no blktrace members (NAME.blktrace.N) among its 4 member(s)");
  }
}

TEST(BlktraceBundle, LinkedMemberIsATraceError) {
  ScratchFolder folder;
  const Bytes data = per_cpu_files().at(0).bytes();
  const Bytes tar =
      TarWriter().file("sdb.blktrace.0", data).symlink("sdb.blktrace.1", "sdb.blktrace.0").finish();
  const fs::path bundle = folder / "link.tar";
  write_bytes(bundle, tar);
  const std::string message = error_of(bundle);
  EXPECT_EQ(message.rfind(bundle.string() + ": member sdb.blktrace.1: byte " +
                              std::to_string(512 + (data.size() + 511) / 512 * 512) + ": type '2'",
                          0),
            0U)
      << message;
}

TEST(BlktraceBundle, CorruptRecordInAMemberNamesMemberAndOffset) {
  ScratchFolder folder;
  BlktraceBytes bytes;
  bytes.add(queue_record(0, 1, 100, 8, 4096)).add(queue_record(0, 2, 200, 16, 4096));
  Bytes data = bytes.bytes();
  data[48 + 3] ^= 0xff;  // the second record's magic: 65 61 74 07 -> 9a 61 74 07
  const fs::path bundle = folder / "rec.tar.zst";
  write_bytes(bundle, zstd_bytes(TarWriter().file("t/sdb.blktrace.0", data).finish()));
  EXPECT_EQ(error_of(bundle),
            bundle.string() + ": member t/sdb.blktrace.0: byte 48: bad magic 0x9a617407");
  EXPECT_EQ(error_of(bundle, /*lenient=*/true), "");
}

TEST(BlktraceBundle, PlainAndCompressedTracesAreNoBundles) {
  ScratchFolder folder;
  const Bytes data = per_cpu_files().at(0).bytes();
  write_bytes(folder / "t.blktrace.0", data);
  write_bytes(folder / "t.blktrace.1", zstd_bytes(data));
  write_bytes(folder / "zeros", Bytes(10240, 0));
  EXPECT_FALSE(BlktraceReader::is_bundle(folder / "t.blktrace.0"));
  EXPECT_FALSE(BlktraceReader::is_bundle(folder / "t.blktrace.1"));
  EXPECT_FALSE(BlktraceReader::is_bundle(folder / "zeros"));
  EXPECT_FALSE(BlktraceReader::is_bundle(folder / "no-such-file"));
}

// The real bundle, read in place, against its files extracted by the system's tar.
TEST(BlktraceBundle, HadoopDatanodeBundleReadsLikeItsExtractedFiles) {
  const fs::path bundle = fs::path(FLASHTWIN_TRACES_DIR) / "hadoop-datanode-sdb.blktrace.tar.zst";
  if (!fs::exists(bundle)) {
    if (on_ci()) FAIL() << bundle << " is missing";
    GTEST_SKIP() << bundle << " is missing (shared/ beside the checkout)";
  }
  ScratchFolder folder;
  const std::string command =
      "tar --zstd -xf '" + bundle.string() + "' -C '" + folder.path().string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  BlktraceReader extracted(BlktraceReader::cpu_files(folder / "eternity8/sdb"), paired());
  const std::vector<Seen> expected = drain(extracted);
  BlktraceReader reader({bundle}, paired());
  expect_same(drain(reader), expected);
  EXPECT_GT(expected.size(), 100'000U);
  const BlktraceCounters counters = reader.counters();
  EXPECT_EQ(counters.missing_cpu_files, std::vector<unsigned>{2});
  EXPECT_EQ(counters.records_read, extracted.counters().records_read);
  EXPECT_EQ(counters.completions_unpaired, extracted.counters().completions_unpaired);
  EXPECT_EQ(reader.describe(), "blktrace Q events of 39 member(s) of bundle " + bundle.string());
  RecordProperty("requests", std::to_string(expected.size()));
}

}  // namespace
}  // namespace flashtwin::models
