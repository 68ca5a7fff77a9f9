// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/quantify.hpp"

#include <algorithm>
#include <cstdlib>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/quant/isomir.hpp"

namespace lscmir::quant {

Quantifier::Quantifier(const Reference& ref, const HairpinIndex& index, const AssignOptions& options,
                       const RnaTypeClassifier* rna_types, const CladeTable* clades)
    : ref_(&ref), index_(&index), options_(options), rna_types_(rna_types), clades_(clades) {}

MappingQc Quantifier::add_sample(const SampleInfo& info, const CollapsedReads& reads) {
  const auto s = static_cast<std::uint32_t>(samples_.size());
  std::vector<double> mature(ref_->mature_names.size(), 0.0);
  std::vector<double> hairpin(ref_->hairpins.size(), 0.0);
  std::vector<double> spike(spike_ins_ != nullptr ? spike_ins_->names.size() : 0, 0.0);
  MappingQc mq;
  // Blocks bound the memory of the alignments; within a block, alignment is parallel and the
  // accumulation sequential in sequence order, so sums do not depend on the thread count.
  constexpr std::size_t kBlock = 1 << 16;
  std::vector<std::vector<Hit>> hits;
  std::vector<RnaType> types;
  std::vector<int> spiked;  // spike-in index or -1
  std::vector<std::uint32_t> names, hps;
  // miRTrace's complexity curve: the first read (in file order) that reached each hairpin.
  constexpr std::uint64_t kNever = UINT64_MAX;
  std::vector<std::uint64_t> first_hit(ref_->hairpins.size(), kNever);
  const bool know_first = reads.first_read.size() == reads.sequences.size();
  if (clades_ != nullptr) mq.clade_reads.assign(clades_->clades().size(), 0);
  for (std::size_t b0 = 0; b0 < reads.sequences.size(); b0 += kBlock) {
    const std::size_t b1 = std::min(reads.sequences.size(), b0 + kBlock);
    hits.resize(b1 - b0);
    types.assign(b1 - b0, RnaType::kMiRna);
    spiked.assign(b1 - b0, -1);
    core::parallel_for_chunks(b1 - b0, options_.threads, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        if (spike_ins_ != nullptr && (spiked[i] = spike_ins_->find(reads.sequences[b0 + i].first)) >= 0) {
          hits[i].clear();
          continue;
        }
        index_->align(reads.sequences[b0 + i].first, hits[i]);
        if (hits[i].empty()) types[i] = rna_types_ != nullptr ? rna_types_->classify(reads.sequences[b0 + i].first) : RnaType::kUnknown;
      }
    });
    for (std::size_t i = b0; i < b1; ++i) {
      const auto& [seq, count] = reads.sequences[i];
      const std::vector<Hit>& h = hits[i - b0];
      const auto c = static_cast<double>(count);
      if (spiked[i - b0] >= 0) {
        spike[static_cast<std::size_t>(spiked[i - b0])] += c;
        mq.spike_in += count;
        continue;
      }
      mq.rna_types[static_cast<std::size_t>(types[i - b0])] += count;
      if (clades_ != nullptr)
        if (const int cl = clades_->find(seq); cl >= 0) mq.clade_reads[static_cast<std::size_t>(cl)] += count;
      if (h.empty()) {
        mq.unassigned += count;
        continue;
      }
      hps.clear();
      for (const Hit& x : h) hps.push_back(x.hairpin);
      hps.erase(std::unique(hps.begin(), hps.end()), hps.end());  // hits are sorted by hairpin
      for (std::uint32_t hp : hps) hairpin[hp] += c / static_cast<double>(hps.size());
      if (know_first)
        for (std::uint32_t hp : hps) first_hit[hp] = std::min(first_hit[hp], reads.first_read[i]);
      // Distinct mature names reached, each with its first hit (lowest hairpin, offset).
      names.clear();
      std::vector<std::pair<std::uint32_t, std::size_t>> first;  // mature, hit index
      const int n = static_cast<int>(seq.size());
      for (std::size_t k = 0; k < h.size(); ++k) {
        for (const Arm& arm : ref_->hairpins[h[k].hairpin].arms) {
          if (std::abs(h[k].offset - arm.start) > options_.tolerance_5p) continue;
          if (std::abs(h[k].offset + n - arm.end) > options_.tolerance_3p) continue;
          if (std::find(names.begin(), names.end(), arm.mature) == names.end()) {
            names.push_back(arm.mature);
            first.emplace_back(arm.mature, k);
          }
        }
      }
      if (names.empty()) {
        mq.hairpin_only += count;
        continue;
      }
      mq.assigned_mature += count;
      const double share = c / static_cast<double>(names.size());
      for (const auto& [m, k] : first) {
        mature[m] += share;
        std::string key = seq;
        key.push_back('\t');
        key += std::to_string(m);
        auto [it, fresh] = iso_.try_emplace(std::move(key));
        if (fresh) {
          it->second.hairpin = h[k].hairpin;
          it->second.offset = h[k].offset;
          it->second.hits = static_cast<std::uint32_t>(h.size());
        }
        it->second.expression.emplace_back(s, share);
      }
    }
  }
  for (std::uint64_t r : first_hit)
    if (r != kNever) mq.complexity.push_back(r);
  std::sort(mq.complexity.begin(), mq.complexity.end());
  samples_.push_back(info);
  read_qc_.push_back(reads.qc);
  map_qc_.push_back(mq);
  mature_.push_back(std::move(mature));
  hairpin_.push_back(std::move(hairpin));
  spike_.push_back(std::move(spike));
  return mq;
}

namespace {
io::LabeledMatrix labeled(const std::vector<std::string>& rows, const std::vector<SampleInfo>& samples,
                          const std::vector<std::vector<double>>& cols) {
  io::LabeledMatrix m;
  m.features = rows;
  for (const auto& s : samples) m.samples.push_back(s.name);
  m.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j)
    for (std::size_t r = 0; r < rows.size(); ++r) m.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = cols[j][r];
  return m;
}

io::ResultTable matrix_table(const std::vector<std::string>& rows, const std::vector<SampleInfo>& samples,
                             const std::vector<std::vector<double>>& cols) {
  io::ResultTable t;
  t.add_text("feature", rows);
  for (std::size_t j = 0; j < cols.size(); ++j) t.add_real(samples[j].name, cols[j]);
  return t;
}

std::vector<std::string> hairpin_names(const Reference& ref) {
  std::vector<std::string> names;
  names.reserve(ref.hairpins.size());
  for (const auto& h : ref.hairpins) names.push_back(h.name);
  return names;
}
}  // namespace

io::LabeledMatrix Quantifier::mature_matrix() const { return labeled(ref_->mature_names, samples_, mature_); }
io::LabeledMatrix Quantifier::hairpin_matrix() const { return labeled(hairpin_names(*ref_), samples_, hairpin_); }
io::ResultTable Quantifier::counts_table() const { return matrix_table(ref_->mature_names, samples_, mature_); }
io::ResultTable Quantifier::hairpin_counts_table() const { return matrix_table(hairpin_names(*ref_), samples_, hairpin_); }
io::ResultTable Quantifier::spike_ins_table() const {
  core::ensure(spike_ins_ != nullptr, "spike_ins_table without spike-ins");
  io::ResultTable t;
  t.add_text("feature", spike_ins_->names);
  for (std::size_t j = 0; j < samples_.size(); ++j) {
    std::vector<std::int64_t> v;
    for (double x : spike_[j]) v.push_back(static_cast<std::int64_t>(x));
    t.add_integer(samples_[j].name, std::move(v));
  }
  return t;
}
io::LabeledMatrix Quantifier::spike_ins_matrix() const {
  core::ensure(spike_ins_ != nullptr, "spike_ins_matrix without spike-ins");
  return labeled(spike_ins_->names, samples_, spike_);
}
std::string Quantifier::counts_tsv() const { return io::to_tsv(counts_table()); }
std::string Quantifier::hairpin_counts_tsv() const { return io::to_tsv(hairpin_counts_table()); }

std::string Quantifier::isomirs_gff3(const std::string& database, const std::string& tool_version) const {
  std::string out = "## mirGFF3. VERSION 1.2\n";
  out += "## source-ontology: " + database + " doi:10.25504/fairsharing.hmgte8\n";
  out += "## COLDATA: ";
  for (std::size_t s = 0; s < samples_.size(); ++s) out += (s ? "," : "") + samples_[s].name;
  out += "\n## TOOLS: lscmir " + tool_version + "\n";
  out += "## FILTER: Pass\n";
  struct Row {
    const IsoRow* row;
    std::string_view seq;
    std::uint32_t mature;
  };
  std::vector<Row> rows;
  rows.reserve(iso_.size());
  for (const auto& [key, row] : iso_) {
    const std::size_t tab = key.find('\t');
    rows.push_back({&row, std::string_view(key).substr(0, tab), static_cast<std::uint32_t>(std::stoul(key.substr(tab + 1)))});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.row->hairpin != b.row->hairpin) return a.row->hairpin < b.row->hairpin;
    if (a.row->offset != b.row->offset) return a.row->offset < b.row->offset;
    if (a.seq != b.seq) return a.seq < b.seq;
    return a.mature < b.mature;
  });
  std::vector<double> expr(samples_.size());
  for (const Row& r : rows) {
    const Hairpin& hp = ref_->hairpins[r.row->hairpin];
    const Arm* arm = nullptr;  // the arm of this mature name nearest to the read
    for (const Arm& a : hp.arms)
      if (a.mature == r.mature && (arm == nullptr || std::abs(a.start - r.row->offset) < std::abs(arm->start - r.row->offset))) arm = &a;
    core::ensure(arm != nullptr, "isomiR row without its arm");
    const IsomirCall call = classify_isomir(r.seq, hp.sequence, r.row->offset, *arm);
    std::fill(expr.begin(), expr.end(), 0.0);
    for (const auto& [s, v] : r.row->expression) expr[s] += v;
    out += hp.name;
    out += '\t';
    out += database;
    out += call.is_reference() ? "\tref_miRNA\t" : "\tisomiR\t";
    out += std::to_string(r.row->offset + 1) + "\t" + std::to_string(r.row->offset + static_cast<int>(r.seq.size()));
    out += "\t.\t+\t.\tRead=";
    out += r.seq;
    out += "; UID=" + mintplate_uid(r.seq) + "; Name=" + ref_->mature_names[r.mature] + "; Parent=" + hp.name +
           "; Variant=" + call.variant + "; Cigar=" + call.cigar + "; Expression=";
    for (std::size_t s = 0; s < expr.size(); ++s) {
      if (s) out += ',';
      io::append_double(out, expr[s]);
    }
    out += "; Filter=Pass; Hits=" + std::to_string(r.row->hits) + ";\n";
  }
  return out;
}

namespace {
double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }
std::uint64_t sum(const std::vector<std::uint64_t>& v, std::size_t from, std::size_t to) {
  std::uint64_t t = 0;
  for (std::size_t i = from; i <= to && i < v.size(); ++i) t += v[i];
  return t;
}
io::ResultTable rows_table(const std::string& first, std::vector<std::string> rows, const std::vector<SampleInfo>& samples,
                           const std::vector<std::vector<std::uint64_t>>& cols) {
  io::ResultTable t;
  const std::size_t n = rows.size();
  t.add_text(first, std::move(rows));
  for (std::size_t j = 0; j < cols.size(); ++j) {
    std::vector<std::int64_t> v(n, 0);
    for (std::size_t r = 0; r < n && r < cols[j].size(); ++r) v[r] = static_cast<std::int64_t>(cols[j][r]);
    t.add_integer(samples[j].name, std::move(v));
  }
  return t;
}
}  // namespace

std::vector<io::NamedTable> Quantifier::qc_tables() const {
  std::vector<std::vector<std::uint64_t>> status, length, phred, types;
  std::size_t max_len = 0;
  for (std::size_t s = 0; s < samples_.size(); ++s) {
    const ReadQc& q = read_qc_[s];
    status.emplace_back(q.mirtrace_status.begin(), q.mirtrace_status.end());
    length.push_back(q.mirtrace_length);
    max_len = std::max(max_len, q.mirtrace_length.size());
    phred.emplace_back(q.phred.begin(), q.phred.end());
    types.emplace_back(map_qc_[s].rna_types.begin(), map_qc_[s].rna_types.end());
  }
  auto numbers = [](std::size_t n) {
    std::vector<std::string> r;
    for (std::size_t i = 0; i < n; ++i) r.push_back(std::to_string(i));
    return r;
  };
  std::vector<std::vector<std::uint64_t>> clade_cols;
  for (const MappingQc& m : map_qc_) clade_cols.push_back(m.clade_reads);
  return {{"qc_status.tsv", rows_table("QC_STATUS", {kQcStatusNames.begin(), kQcStatusNames.end()}, samples_, status)},
          {"qc_length.tsv", rows_table("LENGTH", numbers(std::max<std::size_t>(max_len, kQcReadCap + 1)), samples_, length)},
          {"qc_phred.tsv", rows_table("PHRED_SCORE", numbers(kQcMaxPhred + 1), samples_, phred)},
          {"qc_rnatype.tsv", rows_table("RNA_TYPE", {kRnaTypeNames.begin(), kRnaTypeNames.end()}, samples_, types)},
          {"qc_complexity.tsv", complexity_table()},
          {"qc_contamination.tsv",
           rows_table("CLADE", clades_ != nullptr ? clades_->clades() : std::vector<std::string>{}, samples_, clade_cols)}};
}

io::ResultTable Quantifier::complexity_table() const {
  // miRTrace's layout: row k = reads sampled when the k-th distinct hairpin was first hit (row 0:
  // 0 reads), one column per sample, empty past a sample's last hairpin.
  std::size_t rows = 0;
  for (const MappingQc& m : map_qc_) rows = std::max(rows, m.complexity.size());
  io::ResultTable t;
  std::vector<std::string> k;
  for (std::size_t r = 0; r <= rows; ++r) k.push_back(std::to_string(r));
  t.add_text("DISTINCT_MIRNA_HAIRPINS_ACCUMULATED_COUNT", std::move(k));
  for (std::size_t s = 0; s < samples_.size(); ++s) {
    std::vector<std::string> v(rows + 1);
    v[0] = "0";
    for (std::size_t r = 0; r < map_qc_[s].complexity.size(); ++r) v[r + 1] = std::to_string(map_qc_[s].complexity[r]);
    t.add_text(samples_[s].name, std::move(v));
  }
  return t;
}

nlohmann::json Quantifier::qc_flags(std::size_t s) const {
  // miRTrace's warnings (Kang et al. 2018; its report): < 50% of bases at phred >= 30; < 25% of
  // reads 20-25 nt; < 25% of reads QC-passed; < 10% of QC-passed reads miRNA; < 10% of the
  // reference's hairpins detected.
  const ReadQc& q = read_qc_[s];
  const MappingQc& m = map_qc_[s];
  std::uint64_t bases = 0, good = 0;
  for (std::size_t p = 0; p < q.phred.size(); ++p) {
    bases += q.phred[p];
    if (p >= 30) good += q.phred[p];
  }
  const double reads = static_cast<double>(q.reads);
  const double passed = static_cast<double>(q.mirtrace_status[3] + q.mirtrace_status[4]);
  std::uint64_t kept = 0;
  for (auto v : m.rna_types) kept += v;
  std::size_t detected = 0;
  for (double v : hairpin_[s]) detected += v > 0;
  const double f_phred = ratio(static_cast<double>(good), static_cast<double>(bases));
  const double f_len = ratio(static_cast<double>(sum(q.mirtrace_length, 20, 25)), reads);
  const double f_qc = ratio(passed, reads);
  const double f_mirna = ratio(static_cast<double>(m.rna_types[0]), static_cast<double>(kept));
  const double f_hp = ratio(static_cast<double>(detected), static_cast<double>(ref_->hairpins.size()));
  return {{"phred", {{"warn", f_phred < 0.5}, {"fraction_bases_phred30", f_phred}}},
          {"length", {{"warn", f_len < 0.25}, {"fraction_reads_20_25nt", f_len}}},
          {"qc_passed", {{"warn", f_qc < 0.25}, {"fraction_reads_passed", f_qc}}},
          {"rnatype", {{"warn", f_mirna < 0.10}, {"fraction_mirna", f_mirna}}},
          {"complexity", {{"warn", f_hp < 0.10}, {"hairpins_detected", detected}, {"fraction_hairpins_detected", f_hp}}}};
}

nlohmann::json Quantifier::qc_json() const {
  nlohmann::json samples = nlohmann::json::array();
  for (std::size_t s = 0; s < samples_.size(); ++s) {
    const SampleInfo& i = samples_[s];
    const ReadQc& q = read_qc_[s];
    const MappingQc& m = map_qc_[s];
    nlohmann::json hist = nlohmann::json::object();
    for (std::size_t l = 0; l < q.length_histogram.size(); ++l)
      if (q.length_histogram[l] > 0) hist[std::to_string(l)] = q.length_histogram[l];
    nlohmann::json adapter = {{"name", i.adapter.name}, {"sequence", i.adapter.sequence}, {"auto", i.adapter_auto}};
    if (i.adapter_auto) adapter["support"] = i.adapter_support;
    samples.push_back({{"sample", i.name},
                       {"fastq", i.fastq},
                       {"adapter", adapter},
                       {"umi_length", i.umi_length},
                       {"reads", q.reads},
                       {"adapter_found", q.adapter_found},
                       {"too_short", q.too_short},
                       {"too_long", q.too_long},
                       {"with_n", q.with_n},
                       {"no_umi", q.no_umi},
                       {"umi_duplicates", q.umi_duplicates},
                       {"kept", q.kept},
                       {"unique_sequences", q.unique_sequences},
                       {"assigned_mature", m.assigned_mature},
                       {"hairpin_only", m.hairpin_only},
                       {"unassigned", m.unassigned},
                       {"length_histogram", hist},
                       {"qc_flags", qc_flags(s)}});
    if (spike_ins_ != nullptr) samples.back()["spike_in"] = m.spike_in;
  }
  return {{"samples", samples}};
}

std::vector<std::pair<std::string, nlohmann::json>> Quantifier::multiqc() const {
  nlohmann::json fates = nlohmann::json::object(), lengths = nlohmann::json::object(), general = nlohmann::json::object();
  nlohmann::json status = nlohmann::json::object(), types = nlohmann::json::object();
  nlohmann::json curve = nlohmann::json::object(), contamination = nlohmann::json::object(), flag_table = nlohmann::json::object();
  for (std::size_t s = 0; s < samples_.size(); ++s) {
    const ReadQc& q = read_qc_[s];
    const MappingQc& m = map_qc_[s];
    const std::string& name = samples_[s].name;
    fates[name] = {{"assigned_mature", m.assigned_mature}, {"hairpin_only", m.hairpin_only}, {"unassigned", m.unassigned},
                   {"umi_duplicates", q.umi_duplicates}, {"too_short", q.too_short}, {"too_long", q.too_long},
                   {"with_n", q.with_n}, {"no_umi", q.no_umi}};
    if (spike_ins_ != nullptr) fates[name]["spike_in"] = m.spike_in;
    nlohmann::json h = nlohmann::json::object();
    for (std::size_t l = 0; l < q.length_histogram.size(); ++l) h[std::to_string(l)] = q.length_histogram[l];
    lengths[name] = h;
    nlohmann::json st = nlohmann::json::object(), ty = nlohmann::json::object();
    for (std::size_t k = 0; k < kQcStatusNames.size(); ++k) st[kQcStatusNames[k]] = q.mirtrace_status[k];
    for (std::size_t k = 0; k < kRnaTypeNames.size(); ++k) ty[kRnaTypeNames[k]] = m.rna_types[k];
    status[name] = st;
    types[name] = ty;
    const nlohmann::json flags = qc_flags(s);
    int warnings = 0;
    nlohmann::json row = nlohmann::json::object();
    for (const auto& [key, f] : flags.items()) {
      warnings += f["warn"].get<bool>() ? 1 : 0;
      row[key] = f["warn"].get<bool>() ? "WARN" : "ok";
    }
    flag_table[name] = row;
    // x = reads sampled, y = distinct hairpins (miRTrace's complexity plot)
    nlohmann::json c = nlohmann::json::object();
    c["0"] = 0;
    for (std::size_t k = 0; k < m.complexity.size(); ++k) c[std::to_string(m.complexity[k])] = k + 1;
    curve[name] = c;
    if (clades_ != nullptr) {
      nlohmann::json cl = nlohmann::json::object();
      for (std::size_t k = 0; k < clades_->clades().size(); ++k) cl[clades_->clades()[k]] = m.clade_reads[k];
      contamination[name] = cl;
    }
    general[name] = {{"lscmir_reads", q.reads},
                     {"lscmir_assigned_pct", q.reads ? 100.0 * static_cast<double>(m.assigned_mature) / static_cast<double>(q.reads) : 0.0},
                     {"lscmir_qc_warnings", warnings}};
  }
  return {
      {"lscmir_quant_reads_mqc.json",
       {{"id", "lscmir_quant_reads"}, {"section_name", "lscmir quant: read fates"},
        {"description", "Where every read ended: assigned to a mature miRNA, hairpin only, unassigned, or filtered."},
        {"plot_type", "bargraph"}, {"pconfig", {{"id", "lscmir_quant_reads_plot"}, {"title", "lscmir quant: read fates"}, {"ylab", "Reads"}}},
        {"data", fates}}},
      {"lscmir_quant_lengths_mqc.json",
       {{"id", "lscmir_quant_lengths"}, {"section_name", "lscmir quant: insert lengths"},
        {"description", "Insert length after 3' adapter trimming (untrimmed reads at their full length)."},
        {"plot_type", "linegraph"},
        {"pconfig", {{"id", "lscmir_quant_lengths_plot"}, {"title", "lscmir quant: insert lengths"}, {"xlab", "Length (nt)"}, {"ylab", "Reads"}}},
        {"data", lengths}}},
      {"lscmir_quant_general_stats_mqc.json",
       {{"id", "lscmir_quant_general"}, {"plot_type", "generalstats"},
        {"pconfig", {{{"lscmir_reads", {{"title", "Reads"}, {"format", "{:,.0f}"}}}},
                     {{"lscmir_assigned_pct", {{"title", "% miRNA"}, {"max", 100}, {"min", 0}, {"suffix", "%"}}}},
                     {{"lscmir_qc_warnings", {{"title", "QC warnings"}, {"description", "miRTrace warning flags raised (qc.json)"}, {"format", "{:,.0f}"}}}}}},
        {"data", general}}},
      {"lscmir_quant_qcstatus_mqc.json",
       {{"id", "lscmir_quant_qcstatus"}, {"section_name", "lscmir quant: QC status (miRTrace)"},
        {"description", "miRTrace's read QC status: low phred, low complexity, shorter than 18 nt, adapter not detected, passed."},
        {"plot_type", "bargraph"}, {"pconfig", {{"id", "lscmir_quant_qcstatus_plot"}, {"title", "lscmir quant: QC status"}, {"ylab", "Reads"}}},
        {"data", status}}},
      {"lscmir_quant_rnatype_mqc.json",
       {{"id", "lscmir_quant_rnatype"}, {"section_name", "lscmir quant: RNA types (miRTrace)"},
        {"description", "Kept reads by RNA type, first match in the order miRNA, rRNA, tRNA, artifact, else unknown."},
        {"plot_type", "bargraph"}, {"pconfig", {{"id", "lscmir_quant_rnatype_plot"}, {"title", "lscmir quant: RNA types"}, {"ylab", "Reads"}}},
        {"data", types}}},
      {"lscmir_quant_complexity_mqc.json",
       {{"id", "lscmir_quant_complexity"}, {"section_name", "lscmir quant: miRNA complexity (miRTrace)"},
        {"description", "Distinct miRNA hairpins detected versus reads sampled, in FASTQ order (miRTrace's complexity curve)."},
        {"plot_type", "linegraph"},
        {"pconfig", {{"id", "lscmir_quant_complexity_plot"}, {"title", "lscmir quant: miRNA complexity"}, {"xlab", "Reads sampled"},
                     {"ylab", "Distinct miRNA hairpins"}}},
        {"data", curve}}},
      {"lscmir_quant_contamination_mqc.json",
       {{"id", "lscmir_quant_contamination"}, {"section_name", "lscmir quant: clade-specific miRNAs (miRTrace)"},
        {"description", "Kept reads whose first 20 nt equal a miRNA of a clade-specific family (miRTrace's contamination tracing)."},
        {"plot_type", "bargraph"},
        {"pconfig", {{"id", "lscmir_quant_contamination_plot"}, {"title", "lscmir quant: reads per clade"}, {"ylab", "Reads"}}},
        {"data", contamination}}},
      {"lscmir_quant_qcflags_mqc.json",
       {{"id", "lscmir_quant_qcflags"}, {"section_name", "lscmir quant: QC warnings (miRTrace)"},
        {"description", "miRTrace's warnings per sample: phred (< 50% of bases >= 30), length (< 25% of reads 20-25 nt), qc_passed "
                        "(< 25% of reads), rnatype (< 10% miRNA), complexity (< 10% of the reference's hairpins detected)."},
        {"plot_type", "table"}, {"pconfig", {{"id", "lscmir_quant_qcflags_table"}, {"title", "lscmir quant: QC warnings"}}},
        {"data", flag_table}}},
  };
}

}  // namespace lscmir::quant
