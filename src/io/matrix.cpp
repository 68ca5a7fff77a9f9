// SPDX-License-Identifier: GPL-3.0-or-later
// The matrix fast path: the file is read in one go, record boundaries are found with memchr, and
// each row is parsed in place with std::from_chars straight into a small row-major block that is
// then copied into the column-major result (contiguous writes per sample column). Only feature ids
// become strings. Rows are parsed in parallel chunks; the SHA-256 of the bytes is computed on its
// own thread at the same time, since at ~300 MB/s it costs about as much as the parse.
#include "lscmir/io/matrix.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <limits>
#include <mutex>
#include <stop_token>
#include <thread>
#include <unordered_map>

#include "detail/file.hpp"
#include "detail/text.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/memory.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/core/sha256.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::io {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// The largest count a counts matrix may hold (docs/formats.md): 10^12 reads, about 40 times a whole
/// NovaSeq X 25B flow cell, for one feature in one sample. A larger value is a corrupted cell or not a
/// count (issue 17: a count of 1e308 gave a normalization factor of 2e-253).
constexpr double kMaxCount = 1e12;

/// One non-blank, non-comment line: [begin, end) without its line break.
struct Record {
  const char* begin;
  const char* end;
  std::size_t line;
};

std::vector<Record> find_records(std::string_view text) {
  std::vector<Record> records;
  const char* p = text.data();
  const char* const stop = p + text.size();
  std::size_t line = 1;
  while (p < stop) {
    const void* hit = std::memchr(p, '\n', static_cast<std::size_t>(stop - p));
    const char* eol = hit ? static_cast<const char*>(hit) : stop;
    const char* content_end = eol;
    if (content_end > p && content_end[-1] == '\r') --content_end;
    if (content_end != p && *p != '#') records.push_back({p, content_end, line});
    p = eol + 1;
    ++line;
  }
  return records;
}

struct Context {
  const std::string& path;
  char delim;
  MatrixKind kind;
  const std::vector<std::string>& samples;
  std::size_t first_data_line;
};

std::string column_name(const Context& ctx, std::size_t j) { return "column " + detail::quoted(ctx.samples[j]); }

[[noreturn]] void throw_field_count(const Context& ctx, const Record& r, std::size_t found) {
  const std::size_t expected = ctx.samples.size() + 1;
  std::string hint;
  if (found == 1) hint = detail::wrong_delimiter_hint(std::string_view(r.begin, r.end - r.begin), ctx.delim);
  if (found == expected + 1 && r.line == ctx.first_data_line)
    hint = "the header has one name fewer than the data rows, as R's write.table(row.names = TRUE) writes it; "
           "add a name for the feature id column (e.g. \"feature\") at the start of the header";
  throw core::InputError(ctx.path, r.line,
                         "expected " + detail::count_noun(expected, "field", "fields") + " (as in the header), found " +
                             std::to_string(found),
                         hint);
}

/// Decimal numbers with at most 19 digits and a small exponent ("123", "-4.5", "2.5e-3", the
/// usual content of count and expression tables) are converted exactly by Clinger's fast path: the
/// digits form an integer m <= 2^53 and 10^|e| <= 10^22 are both exact doubles, so the single
/// multiplication or division m * 10^e is correctly rounded, the same double std::from_chars gives.
/// Returns nullptr when the text is not of that simple form (the caller then uses std::from_chars);
/// otherwise the position after the number.
const char* parse_simple_decimal(const char* p, const char* end, double& value) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  std::uint64_t m = 0;
  int digits = 0;
  int exponent = 0;
  const char* const start = p;
  while (p != end && static_cast<unsigned>(*p - '0') < 10) {
    m = m * 10 + static_cast<unsigned>(*p - '0');
    ++p;
  }
  digits = static_cast<int>(p - start);
  if (p != end && *p == '.') {
    ++p;
    const char* const frac = p;
    while (p != end && static_cast<unsigned>(*p - '0') < 10) {
      m = m * 10 + static_cast<unsigned>(*p - '0');
      ++p;
    }
    exponent = -static_cast<int>(p - frac);
    digits += static_cast<int>(p - frac);
  }
  if (digits == 0 || digits > 19) return nullptr;
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative_exp = false;
    if (p != end && (*p == '-' || *p == '+')) negative_exp = *p++ == '-';
    const char* const exp_start = p;
    int e = 0;
    while (p != end && static_cast<unsigned>(*p - '0') < 10 && p - exp_start < 4) e = e * 10 + (*p++ - '0');
    if (p == exp_start || (p != end && static_cast<unsigned>(*p - '0') < 10)) return nullptr;
    exponent += negative_exp ? -e : e;
  }
  if (m > (std::uint64_t{1} << 53) || exponent < -22 || exponent > 22) return nullptr;
  double v = static_cast<double>(m);
  v = exponent < 0 ? v / kPow10[-exponent] : v * kPow10[exponent];
  value = negative ? -v : v;
  return p;
}

bool is_missing_token(std::string_view s) { return s == "NA" || s == "NaN" || s == "nan" || s == "NAN"; }

bool is_blank(char c, char delim) { return (c == ' ' || c == '\t') && c != delim; }

/// The careful path for a cell the fast path did not accept: quotes, padding, NA, a leading '+',
/// out-of-range exponents, and every error message. `cell` points at the cell's first byte.
/// Returns the position after the cell (a delimiter or the line end).
const char* parse_cell_slow(const char* cell, const Record& r, const Context& ctx, std::size_t j, double& value) {
  std::string unquoted;
  std::string_view content;
  const char* after;
  if (cell != r.end && *cell == '"') {
    after = detail::parse_line_field(cell, r.end, ctx.delim, unquoted, ctx.path, r.line, j + 2);
    content = unquoted;
  } else {
    const void* hit = std::memchr(cell, ctx.delim, static_cast<std::size_t>(r.end - cell));
    after = hit ? static_cast<const char*>(hit) : r.end;
    content = std::string_view(cell, after - cell);
  }
  const std::string_view raw = content;
  while (!content.empty() && is_blank(content.front(), ctx.delim)) content.remove_prefix(1);
  while (!content.empty() && is_blank(content.back(), ctx.delim)) content.remove_suffix(1);

  const bool counts = ctx.kind == MatrixKind::kCounts;
  if (content.empty() || is_missing_token(content)) {
    if (!counts) {
      value = kNaN;
      return after;
    }
    throw core::InputError(ctx.path, r.line,
                           (content.empty() ? std::string("empty cell") : "missing value " + detail::quoted(content)) +
                               " in " + column_name(ctx, j) + "; a count matrix must not have missing values",
                           "write 0 for a feature not detected in a sample");
  }
  std::string_view number = content;
  if (number.size() > 1 && number.front() == '+' && (number[1] == '.' || (number[1] >= '0' && number[1] <= '9')))
    number.remove_prefix(1);
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  const bool whole = ptr == number.data() + number.size();
  if (ec == std::errc::result_out_of_range && whole) {
    // from_chars reports both overflow and underflow; strtod tells them apart.
    v = std::strtod(std::string(number).c_str(), nullptr);
  } else if (ec != std::errc() || !whole || std::isnan(v)) {
    std::string hint;
    if (content.find(',') != std::string_view::npos && ctx.delim != ',')
      hint = "use '.' as the decimal separator";
    throw core::InputError(ctx.path, r.line,
                           "expected a number in " + column_name(ctx, j) + ", found " + detail::quoted(raw), hint);
  }
  if (std::isinf(v))
    throw core::InputError(ctx.path, r.line,
                           "infinite value " + detail::quoted(content) + " in " + column_name(ctx, j) +
                               "; expected a finite number");
  if (counts && v < 0)
    throw core::InputError(ctx.path, r.line, "negative count " + core::cell_for_message(content) + " in " + column_name(ctx, j),
                           "counts must be >= 0; log-scale values belong in an expression matrix");
  if (counts && v > kMaxCount)
    throw core::InputError(ctx.path, r.line,
                           "count " + core::cell_for_message(content) + " in " + column_name(ctx, j) +
                               " is above 1e12, more reads than any sequencing run gives one sample",
                           "counts must be read counts; is this a different quantity, or a corrupted cell?");
  value = v + 0.0;  // -0 -> +0
  return after;
}

/// Parses one data row: the feature id into `feature`, the values into out[0 .. samples).
void parse_row(const Record& r, const Context& ctx, std::string& feature, double* out) {
  const char* p = detail::parse_line_field(r.begin, r.end, ctx.delim, feature, ctx.path, r.line, 1);
  if (feature.empty()) {
    if (p == r.end) throw_field_count(ctx, r, 1);
    throw core::InputError(ctx.path, r.line, "empty feature id in column 1");
  }
  const std::size_t ns = ctx.samples.size();
  const char delim = ctx.delim;
  const bool counts = ctx.kind == MatrixKind::kCounts;
  for (std::size_t j = 0; j < ns; ++j) {
    if (p == r.end) throw_field_count(ctx, r, j + 1);
    ++p;  // the delimiter
    double v;
    const char* q = parse_simple_decimal(p, r.end, v);
    if (q == nullptr) {
      const auto [q2, ec] = std::from_chars(p, r.end, v);
      q = ec == std::errc() && std::isfinite(v) ? q2 : nullptr;
    }
    if (q != nullptr && (q == r.end || *q == delim) && !(counts && !(v >= 0 && v <= kMaxCount))) {
      out[j] = v + 0.0;
      p = q;
      continue;
    }
    p = parse_cell_slow(p, r, ctx, j, out[j]);
  }
  if (p != r.end) {
    const auto extra = static_cast<std::size_t>(std::count(p, r.end, delim));
    throw_field_count(ctx, r, ns + 1 + extra);
  }
}

std::vector<std::string> parse_header(const Record& r, const std::string& path, char delim) {
  std::vector<std::string> fields;
  const char* p = r.begin;
  for (;;) {
    std::string field;
    p = detail::parse_line_field(p, r.end, delim, field, path, r.line, fields.size() + 1);
    fields.push_back(std::move(field));
    if (p == r.end) break;
    ++p;
    if (p == r.end) {  // a trailing delimiter: one more, empty, field
      fields.emplace_back();
      break;
    }
  }
  if (fields.size() < 2)
    throw core::InputError(path, r.line,
                           "the header has 1 column; expected a feature id column and at least one sample column",
                           detail::wrong_delimiter_hint(std::string_view(r.begin, r.end - r.begin), delim));
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t k = 1; k < fields.size(); ++k) {
    if (fields[k].empty())
      throw core::InputError(path, r.line, "empty sample id in column " + std::to_string(k + 1) + " of the header",
                             k + 1 == fields.size() ? "is there a trailing " + detail::delimiter_name(delim) + "?"
                                                    : "give every sample column a name");
    const auto [it, inserted] = seen.emplace(fields[k], k);
    if (!inserted)
      throw core::InputError(path, r.line,
                             "duplicate sample id " + detail::quoted(fields[k]) + " in the header (columns " +
                                 std::to_string(it->second + 1) + " and " + std::to_string(k + 1) + ")",
                             "sample ids must be unique");
  }
  return fields;
}

/// The first error of the parallel parse in file order, whichever thread found it.
class FirstError {
 public:
  void record(std::size_t line, std::exception_ptr error) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (line < line_.load()) {
      line_.store(line);
      error_ = std::move(error);
    }
  }
  std::size_t line() const { return line_.load(std::memory_order_relaxed); }
  std::exception_ptr error() const { return error_; }

 private:
  std::mutex mutex_;
  std::atomic<std::size_t> line_{std::numeric_limits<std::size_t>::max()};
  std::exception_ptr error_;
};

std::string sha256_hex(std::string_view bytes, const std::stop_token* stop) {
  constexpr std::size_t kChunk = std::size_t{4} << 20;
  core::Sha256 h;
  for (std::size_t off = 0; off < bytes.size(); off += kChunk) {
    if (stop && stop->stop_requested()) return {};
    h.update(bytes.data() + off, std::min(kChunk, bytes.size() - off));
  }
  return h.hex_digest();
}

}  // namespace

LabeledMatrix read_matrix(const std::string& path, MatrixKind kind) { return read_matrix(path, kind, 0); }

LabeledMatrix read_matrix(const std::string& path, MatrixKind kind, int threads) {
  const detail::FileBytes bytes = detail::read_file_bytes(path);
  const std::string_view all = bytes.view();
  LabeledMatrix m;
  m.path = path;
  m.bytes = bytes.size();
  if (detail::looks_gzipped(all))
    throw core::InputError(path, 0, "gzip-compressed matrices are not supported", "decompress it first (gunzip -k)");

  const int nthreads = core::resolve_threads(threads);
  std::string digest;
  std::jthread hasher;
  if (nthreads > 1)
    hasher = std::jthread([&digest, all](std::stop_token stop) { digest = sha256_hex(all, &stop); });

  std::string_view text = all;
  detail::strip_bom(text);
  if (text.empty()) throw core::InputError(path, 0, "empty file; expected a header line");
  const std::vector<Record> records = find_records(text);
  if (records.empty()) throw core::InputError(path, 0, "no header line; the file has only blank or comment lines");
  const char delim = delimiter_for_path(path);
  std::vector<std::string> header = parse_header(records[0], path, delim);
  m.samples.assign(std::make_move_iterator(header.begin() + 1), std::make_move_iterator(header.end()));
  const std::size_t ns = m.samples.size();
  const std::size_t nf = records.size() - 1;
  if (nf == 0)
    throw core::InputError(path, records[0].line, "the header is not followed by any data rows; expected one row per feature");

  m.features.resize(nf);
  m.values.resize(static_cast<Eigen::Index>(nf), static_cast<Eigen::Index>(ns));
  core::prefer_huge_pages(m.values);
  const Context ctx{path, delim, kind, m.samples, records[1].line};
  FirstError first_error;
  // Every thread parses (tiny files use one), taking the next slice of rows as it finishes one,
  // so the thread that shares its core with the hasher (SHA-256 runs several times faster than
  // parsing) does not hold the others up.
  const std::size_t cells = nf * ns;
  const int parse_threads = cells < (std::size_t{1} << 18) ? 1 : nthreads;
  constexpr std::size_t kSlice = 1024;
  core::parallel_for_dynamic((nf + kSlice - 1) / kSlice, parse_threads, [&](std::size_t slice) {
    const std::size_t begin = slice * kSlice, end = std::min(nf, begin + kSlice);
    constexpr std::size_t kBlock = 16;
    std::vector<double> block(kBlock * ns);
    for (std::size_t i0 = begin; i0 < end; i0 += kBlock) {
      const std::size_t count = std::min(kBlock, end - i0);
      for (std::size_t r = 0; r < count; ++r) {
        const Record& rec = records[1 + i0 + r];
        if (rec.line > first_error.line()) return;
        try {
          parse_row(rec, ctx, m.features[i0 + r], block.data() + r * ns);
        } catch (...) {
          first_error.record(rec.line, std::current_exception());
          return;
        }
      }
      for (std::size_t j = 0; j < ns; ++j) {
        double* col = m.values.col(static_cast<Eigen::Index>(j)).data() + i0;
        for (std::size_t r = 0; r < count; ++r) col[r] = block[r * ns + j];
      }
    }
  });

  // Duplicate ids, in file order; every row before the first parse error has been parsed.
  std::unordered_map<std::string_view, std::size_t> seen;
  seen.reserve(nf);
  for (std::size_t i = 0; i < nf && records[1 + i].line < first_error.line(); ++i) {
    const auto [it, inserted] = seen.emplace(m.features[i], records[1 + i].line);
    if (!inserted)
      throw core::InputError(path, records[1 + i].line,
                             "duplicate feature id " + detail::quoted(m.features[i]) + " (first seen on line " +
                                 std::to_string(it->second) + ")",
                             "feature ids must be unique; sum or remove the duplicated rows");
  }
  if (first_error.error()) std::rethrow_exception(first_error.error());

  if (hasher.joinable()) {
    hasher.join();
    m.sha256 = std::move(digest);
  } else {
    m.sha256 = sha256_hex(all, nullptr);
  }
  return m;
}

}  // namespace lscmir::io
