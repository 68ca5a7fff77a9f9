// SPDX-License-Identifier: GPL-3.0-or-later
// io::read_gmt: quirks accepted, errors with lines.
#include "lscmir/io/gmt.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace lscmir::io {
namespace {

TEST(Gmt, SetsGenesDuplicatesAndQuirks) {
  const test::TempDir dir;
  const std::string p = dir.write("q.gmt", "\xEF\xBB\xBF# comment\nA\tdesc\t G1 \tG2\tG1\t\r\nEMPTY\tnone\n\nB\thttp://x\tG3\tG4");
  const auto sets = read_gmt(p);
  ASSERT_EQ(sets.size(), 3u);
  EXPECT_EQ(sets[0].name, "A");
  EXPECT_EQ(sets[0].description, "desc");
  EXPECT_EQ(sets[0].genes, (std::vector<std::string>{"G1", "G2"}));
  EXPECT_EQ(sets[0].duplicates, 1u);
  EXPECT_EQ(sets[0].line, 2u);
  EXPECT_EQ(sets[0].file, p);
  EXPECT_TRUE(sets[1].genes.empty());
  EXPECT_EQ(sets[2].genes, (std::vector<std::string>{"G3", "G4"}));
  EXPECT_EQ(sets[2].line, 5u);
}

TEST(Gmt, Errors) {
  const test::TempDir dir;
  auto e = test::capture_input_error([&] { read_gmt(dir.write("a.gmt", "A\tdesc\tG1\nJUSTANAME\n")); });
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "expected a gene set line: name<TAB>description<TAB>genes..., found no tab");
  e = test::capture_input_error([&] { read_gmt(dir.write("b.gmt", " \tdesc\tG1\n")); });
  EXPECT_EQ(e.problem(), "empty gene set name");
  e = test::capture_input_error([&] { read_gmt(dir.write("c.gmt", "\n# only\n")); });
  EXPECT_EQ(e.line(), 0u);
}

}  // namespace
}  // namespace lscmir::io
