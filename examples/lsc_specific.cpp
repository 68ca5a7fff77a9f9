// SPDX-License-Identifier: GPL-3.0-or-later
// Downstream example: paired DE and specificity on the demo study in memory, top LSC-specific miRNAs.
//
//   lsc_specific [COUNTS.tsv SAMPLES.tsv]     (default: the installed share/lscmir/demo)
//
// It does what `lscmir run data/demo/demo.toml` does for its first two stages (demo.toml: voom,
// TMM, ~ patient + population, contrasts LSC-HSC, LSC-LPC, HSC-LPC; specificity at FDR 0.05 and
// |logFC| > 1), without writing a file, and prints the 10 strongest LSC-specific calls.
#include <cstddef>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <lscmir/core/log.hpp>
#include <lscmir/io/matrix.hpp>
#include <lscmir/io/sample_sheet.hpp>
#include <lscmir/study/de.hpp>
#include <lscmir/study/specificity.hpp>

#ifndef LSCMIR_EXAMPLE_DEMO_DIR
#define LSCMIR_EXAMPLE_DEMO_DIR "share/lscmir/demo"
#endif

using namespace lscmir;

int main(int argc, char** argv) {
  if (argc != 1 && argc != 3) {
    std::fprintf(stderr, "usage: %s [COUNTS.tsv SAMPLES.tsv]\n", argv[0]);
    return 2;
  }
  const std::string demo = LSCMIR_EXAMPLE_DEMO_DIR;
  const std::string counts = argc == 3 ? argv[1] : demo + "/counts.tsv";
  const std::string samples = argc == 3 ? argv[2] : demo + "/samples.tsv";
  core::Logger log(std::cerr, core::LogLevel::kWarning);  // the library logs here; it never prints to stdout
  try {
    const io::SampleSheet sheet = io::read_sample_sheet(samples);
    io::LabeledMatrix m = io::read_matrix(counts, io::MatrixKind::kCounts, /*threads=*/0);
    const std::size_t n_samples = m.samples.size();

    study::DeOptions de_options;  // demo.toml's [study]
    de_options.design = "~ patient + population";
    de_options.method = "voom";
    de_options.norm = "TMM";
    de_options.contrasts = {"LSC-HSC", "LSC-LPC", "HSC-LPC"};
    const study::DeResult de = study::differential_expression(de_options, std::move(m), /*counts=*/true, sheet, 0, log);

    study::SpecificityOptions spec;  // FDR 0.05, |logFC| > 1, as demo.toml
    const study::SpecificityResult sp = study::specificity(study::de_table(de, "LSC", "HSC"), study::de_table(de, "LSC", "LPC"),
                                                           study::de_table(de, "HSC", "LPC"), study::PopulationLabels{}, spec);
    std::vector<const study::SpecificityRow*> lsc;  // rows come sorted by class, then P.class
    for (const auto& r : sp.rows)
      if (r.cls == study::SpecificityClass::kLscSpecific) lsc.push_back(&r);

    std::printf("%zu miRNAs x %zu samples; %zu LSC-specific at FDR < %g and |logFC| > %g\n", de.features.size(), n_samples,
                lsc.size(), spec.fdr, spec.lfc);
    std::printf("%-20s %14s %14s %10s\n", "miRNA", "logFC.LSC-HSC", "logFC.LSC-LPC", "FDR.class");
    for (std::size_t i = 0; i < lsc.size() && i < 10; ++i)
      std::printf("%-20s %14.3f %14.3f %10.3g\n", lsc[i]->feature.c_str(), lsc[i]->logfc[0], lsc[i]->logfc[1], lsc[i]->fdr_class);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lsc_specific: %s\n", e.what());
    return 1;
  }
  return 0;
}
