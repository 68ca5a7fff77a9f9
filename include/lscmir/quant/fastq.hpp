// SPDX-License-Identifier: GPL-3.0-or-later
// FASTQ input, plain or gzip (io::TextSource: streaming inflate, concatenated members accepted).
// Memory is bounded: the file is read in chunks of whole records, never as a whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace lscmir::quant {

/// A piece of a FASTQ file holding whole 4-line records (the last chunk of a damaged file may
/// hold an incomplete record, which parse_chunk reports).
struct FastqChunk {
  std::string text;
  std::uint64_t first_record = 1;  ///< 1-based number of the chunk's first record in the file
  std::uint64_t first_line = 1;    ///< 1-based file line of the chunk's first line
};

/// Streaming reader of text, gzip or not, cut into chunks of whole records.
/// Not thread-safe: one thread reads, others may parse the chunks it returns.
class FastqChunker {
 public:
  /// @throws core::InputError when the file cannot be opened.
  explicit FastqChunker(std::string path, std::size_t chunk_bytes = std::size_t{1} << 22);
  ~FastqChunker();
  FastqChunker(const FastqChunker&) = delete;
  FastqChunker& operator=(const FastqChunker&) = delete;

  /// Fills `chunk` with the next records (about chunk_bytes of text). Returns false at the end of
  /// the file. @throws core::InputError on a truncated or corrupt gzip stream or a read error,
  /// naming the record that was being read.
  bool next(FastqChunk& chunk);

  /// Records handed out so far (whole records in returned chunks), for progress.
  std::uint64_t records_so_far() const { return next_record_ - 1; }
  const std::string& path() const { return path_; }
  /// True when the file is gzip (known once it is opened).
  bool gzipped() const;

 private:
  bool fill();
  std::string path_;
  std::size_t chunk_bytes_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string carry_;
  std::uint64_t next_record_ = 1;
  bool eof_ = false;
  bool seen_bytes_ = false;  // any byte read: an empty file is an error
};

/// One parsed record; views into the chunk's text. The sequence is upper-case as in the file.
struct FastqRecord {
  std::string_view name;
  std::string_view sequence;
  std::string_view quality;
  std::uint64_t number = 0;  ///< 1-based record number in the file
};

/// Parses the records of a chunk, calling `on_record(const FastqRecord&)` for each.
/// @throws core::InputError (file, line, record) for a header not starting with '@', a missing
///         '+' separator line, quality length differing from sequence length, or an incomplete
///         final record.
template <typename OnRecord>
void parse_chunk(const FastqChunk& chunk, const std::string& path, OnRecord&& on_record);

namespace detail {
[[noreturn]] void fastq_error(const std::string& path, std::uint64_t line, std::uint64_t record, const std::string& what);
inline std::string_view next_line(std::string_view text, std::size_t& pos, bool& found) {
  if (pos >= text.size()) {
    found = false;
    return {};
  }
  const std::size_t nl = text.find('\n', pos);
  const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
  std::string_view line = text.substr(pos, end - pos);
  pos = nl == std::string_view::npos ? text.size() : nl + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  found = true;
  return line;
}
}  // namespace detail

template <typename OnRecord>
void parse_chunk(const FastqChunk& chunk, const std::string& path, OnRecord&& on_record) {
  const std::string_view text = chunk.text;
  std::size_t pos = 0;
  std::uint64_t record = chunk.first_record;
  std::uint64_t line = chunk.first_line;
  while (pos < text.size()) {
    bool f1 = false, f2 = false, f3 = false, f4 = false;
    FastqRecord r;
    r.number = record;
    const std::string_view h = detail::next_line(text, pos, f1);
    if (h.empty() && pos >= text.size()) break;  // a final empty line
    if (h.empty() || h.front() != '@')
      detail::fastq_error(path, line, record,
                          "expected a FASTQ header line starting with '@', found " +
                              (h.empty() ? std::string("an empty line") : "'" + std::string(h.substr(0, 20)) + "'"));
    r.name = h.substr(1);
    r.sequence = detail::next_line(text, pos, f2);
    if (!f2) detail::fastq_error(path, line + 1, record, "the file ends inside the record: no sequence line");
    const std::string_view plus = detail::next_line(text, pos, f3);
    if (!f3) detail::fastq_error(path, line + 2, record, "the file ends inside the record: no '+' line");
    if (plus.empty() || plus.front() != '+')
      detail::fastq_error(path, line + 2, record,
                          "expected the '+' separator line, found " +
                              (plus.empty() ? std::string("an empty line") : "'" + std::string(plus.substr(0, 20)) + "'"));
    r.quality = detail::next_line(text, pos, f4);
    if (!f4) detail::fastq_error(path, line + 3, record, "the file ends inside the record: no quality line");
    if (r.quality.size() != r.sequence.size())
      detail::fastq_error(path, line + 3, record,
                          "quality has " + std::to_string(r.quality.size()) + " characters but the sequence has " +
                              std::to_string(r.sequence.size()));
    on_record(static_cast<const FastqRecord&>(r));
    ++record;
    line += 4;
  }
}

}  // namespace lscmir::quant
