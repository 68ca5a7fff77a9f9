// SPDX-License-Identifier: GPL-3.0-or-later
// mirGFF3 isomiR classes and MINTplate UIDs.
#include "lscmir/quant/isomir.hpp"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixture.hpp"

namespace lscmir::quant {
namespace {

using test::load;
using test::temp_file;

TEST(Isomir, ClassesFollowMirGff3) {
  const Reference r = load();
  const Hairpin& h = r.hairpins[0];
  const Arm& arm = h.arms[0];  // let-7a-5p at [5, 27)
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTGTATAGTT", h.sequence, 5, arm).variant, "NA");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTGTATAGTT", h.sequence, 5, arm).cigar, "22M");
  EXPECT_EQ(classify_isomir("ATGAGGTAGTAGGTTGTATAGTT", h.sequence, 4, arm).variant, "iso_5p:-1");
  EXPECT_EQ(classify_isomir("AGGTAGTAGGTTGTATAGTT", h.sequence, 7, arm).variant, "iso_5p:+2");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTGTATAGTTT", h.sequence, 5, arm).variant, "iso_3p:+1");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTGTATAG", h.sequence, 5, arm).variant, "iso_3p:-2");
  // Non-templated A: the hairpin continues with T.
  const IsomirCall add = classify_isomir("TGAGGTAGTAGGTTGTATAGTTA", h.sequence, 5, arm);
  EXPECT_EQ(add.variant, "iso_add3p:1");
  EXPECT_EQ(add.cigar, "22MA");
  EXPECT_EQ(classify_isomir("TGAGGCAGTAGGTTGTATAGTT", h.sequence, 5, arm).variant, "iso_snv_seed");
  EXPECT_EQ(classify_isomir("TGAGGTACTAGGTTGTATAGTT", h.sequence, 5, arm).variant, "iso_snv_central_offset");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGCTTGTATAGTT", h.sequence, 5, arm).variant, "iso_snv_central");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTCTATAGTT", h.sequence, 5, arm).variant, "iso_snv_central_supp");
  EXPECT_EQ(classify_isomir("AGAGGTAGTAGGTTGTATAGTT", h.sequence, 5, arm).variant, "iso_snv");
  EXPECT_EQ(classify_isomir("TGAGGCAGTAGGTTGTATAGTTT", h.sequence, 5, arm).variant, "iso_snv_seed,iso_3p:+1");
}

TEST(Isomir, MintplateUidMatchesMirtop) {
  // Values from mirtop 0.4.25 (mirtop.mirna.realign.make_id).
  EXPECT_EQ(mintplate_uid("TGAGGTAGTAGGTTGTATAGTT"), "iso-22-XKVLRYVPQ");
  EXPECT_EQ(mintplate_uid("TGAGGTAGTAGGTTGTATAGTTA"), "iso-23-XKVLRYVP0O");
  EXPECT_EQ(mintplate_uid("TGAGGTAGTAGGTTGTATAGTTAA"), "iso-24-XKVLRYVPKF");
  EXPECT_EQ(mintplate_uid("ACGTA"), "iso-5-EL");
}

TEST(Isomir, NonTemplatedAdditionsAreCountedFromTheReadEnd) {
  const Reference r = load();
  const Hairpin& h = r.hairpins[0];
  const Arm& arm = h.arms[0];  // let-7a-5p at [5, 27); the hairpin continues TTAGGG
  const IsomirCall aa = classify_isomir("TGAGGTAGTAGGTTGTATAGTTAA", h.sequence, 5, arm);
  EXPECT_EQ(aa.variant, "iso_add3p:2");
  EXPECT_EQ(aa.add_3p, 2);
  EXPECT_EQ(aa.iso_3p, 0);
  EXPECT_EQ(aa.iso_5p, 0);
  EXPECT_FALSE(aa.is_reference());
  // One templated T, then a non-templated A (the hairpin has T there).
  const IsomirCall ta = classify_isomir("TGAGGTAGTAGGTTGTATAGTTTA", h.sequence, 5, arm);
  EXPECT_EQ(ta.iso_3p, 1);
  EXPECT_EQ(ta.add_3p, 1);
  EXPECT_NE(ta.variant.find("iso_3p:+1"), std::string::npos) << ta.variant;
  EXPECT_NE(ta.variant.find("iso_add3p:1"), std::string::npos) << ta.variant;
  // A 5' shift with an addition names both.
  const IsomirCall sa = classify_isomir("ATGAGGTAGTAGGTTGTATAGTTA", h.sequence, 4, arm);
  EXPECT_EQ(sa.iso_5p, -1);
  EXPECT_EQ(sa.add_3p, 1);
  EXPECT_NE(sa.variant.find("iso_5p:-1"), std::string::npos) << sa.variant;
  EXPECT_NE(sa.variant.find("iso_add3p:1"), std::string::npos) << sa.variant;
  const IsomirCall ref = classify_isomir("TGAGGTAGTAGGTTGTATAGTT", h.sequence, 5, arm);
  EXPECT_TRUE(ref.is_reference());
  EXPECT_EQ(ref.iso_5p, 0);
  EXPECT_EQ(ref.iso_3p, 0);
  EXPECT_EQ(ref.add_3p, 0);
}

TEST(Isomir, MintplateUidEncodesLengthAndIsInjective) {
  std::set<std::string> seen;
  const std::string bases = "ACGT";
  for (int n = 1; n <= 3; ++n) {
    std::vector<int> d(static_cast<std::size_t>(n), 0);
    for (;;) {
      std::string s;
      for (int x : d) s.push_back(bases[static_cast<std::size_t>(x)]);
      const std::string uid = mintplate_uid(s);
      EXPECT_EQ(uid.rfind("iso-" + std::to_string(n) + "-", 0), 0u) << uid;
      EXPECT_TRUE(seen.insert(uid).second) << s << " " << uid;
      std::size_t k = 0;
      while (k < d.size() && ++d[k] == 4) d[k++] = 0;
      if (k == d.size()) break;
    }
  }
  EXPECT_EQ(seen.size(), 4u + 16u + 64u);
}

}  // namespace
}  // namespace lscmir::quant
