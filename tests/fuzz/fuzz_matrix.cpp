// SPDX-License-Identifier: GPL-3.0-or-later
// io::read_matrix (counts and expression matrices) on the fuzz input, as both kinds: counts with 2
// threads (parser + checksum thread), expression with 1 (a thread start per input costs ~5x the
// parse of a small file under ASan, so one threaded read each time).
#include <cmath>

#include "fuzz_common.hpp"
#include "lscmir/io/matrix.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string path = fuzz::write_input(fuzz::as_text(data, size), "matrix.tsv");
  for (const auto kind : {io::MatrixKind::kCounts, io::MatrixKind::kExpression}) {
    {
      const int threads = kind == io::MatrixKind::kCounts ? 2 : 1;
      fuzz::expect_input_errors_only([&] {
        const io::LabeledMatrix m = io::read_matrix(path, kind, threads);
        if (static_cast<std::size_t>(m.values.rows()) != m.features.size() ||
            static_cast<std::size_t>(m.values.cols()) != m.samples.size())
          std::abort();
        if (kind == io::MatrixKind::kCounts)
          for (Eigen::Index i = 0; i < m.values.size(); ++i)
            if (!std::isfinite(m.values.data()[i]) || m.values.data()[i] < 0) std::abort();  // documented
      });
    }
  }
  return 0;
}
