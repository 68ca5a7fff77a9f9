// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/design.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include "lscmir/core/error.hpp"

namespace lscmir::stats {
namespace {

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool is_identifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return false;
  return true;
}

const Variable* find_variable(const std::vector<Variable>& vars, std::string_view name) {
  for (const auto& v : vars)
    if (v.name == name) return &v;
  return nullptr;
}

/// Householder QR with R's (LINPACK dqrdc2) limited pivoting: a column whose remaining norm falls
/// below tol x its original norm is moved to the end. Returns the column order and rank.
struct PivotedQr {
  Eigen::MatrixXd qr;
  std::vector<int> pivot;
  int rank = 0;
};

PivotedQr pivoted_qr(Eigen::MatrixXd a, double tol) {
  const Eigen::Index n = a.rows(), p = a.cols();
  PivotedQr out;
  out.pivot.resize(static_cast<std::size_t>(p));
  for (Eigen::Index j = 0; j < p; ++j) out.pivot[static_cast<std::size_t>(j)] = static_cast<int>(j);
  Eigen::VectorXd orig(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    orig[j] = a.col(j).norm();
    if (orig[j] == 0.0) orig[j] = 1.0;
  }
  Eigen::Index k = p;  // columns [k, p) are the dependent ones moved to the end
  Eigen::Index l = 0;
  while (l < std::min(n, k)) {
    const double rem = a.col(l).tail(n - l).norm();
    if (rem < orig[l] * tol) {
      // Rotate column l to the end.
      Eigen::VectorXd col = a.col(l);
      const double o = orig[l];
      const int piv = out.pivot[static_cast<std::size_t>(l)];
      for (Eigen::Index j = l; j < p - 1; ++j) {
        a.col(j) = a.col(j + 1);
        orig[j] = orig[j + 1];
        out.pivot[static_cast<std::size_t>(j)] = out.pivot[static_cast<std::size_t>(j + 1)];
      }
      a.col(p - 1) = col;
      orig[p - 1] = o;
      out.pivot[static_cast<std::size_t>(p - 1)] = piv;
      --k;
      continue;
    }
    // Householder reflection zeroing a(l+1:n, l).
    Eigen::VectorXd v = a.col(l).tail(n - l);
    const double alpha = v[0] >= 0 ? -rem : rem;
    v[0] -= alpha;
    const double vnorm2 = v.squaredNorm();
    if (vnorm2 > 0) {
      for (Eigen::Index j = l; j < p; ++j) {
        const double s = 2.0 * v.dot(a.col(j).tail(n - l)) / vnorm2;
        a.col(j).tail(n - l) -= s * v;
      }
    }
    ++l;
  }
  out.rank = static_cast<int>(std::min(n, k));
  out.qr = std::move(a);
  return out;
}

}  // namespace

Formula parse_formula(std::string_view text) {
  std::string s = trim(text);
  if (s.empty() || s[0] != '~')
    throw core::UsageError("design formula \"" + std::string(text) + "\" must start with '~', e.g. \"~ patient + population\"");
  s = s.substr(1);
  for (char c : s)
    if (c == '*' || c == ':' || c == '(' || c == ')' || c == '^' || c == '|' || c == '/')
      throw core::UsageError("design formula \"" + std::string(text) + "\": only additive terms are supported (found '" +
                             std::string(1, c) + "'); interactions and functions of variables are not");
  Formula f;
  // Split on '+' and '-' keeping the sign of each piece.
  std::vector<std::pair<char, std::string>> pieces;
  char sign = '+';
  std::string cur;
  for (char c : s) {
    if (c == '+' || c == '-') {
      pieces.emplace_back(sign, trim(cur));
      cur.clear();
      sign = c;
    } else {
      cur.push_back(c);
    }
  }
  pieces.emplace_back(sign, trim(cur));
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto& [sg, term] = pieces[i];
    if (term.empty()) {
      if (i == 0 && sg == '+') continue;  // "~ -1" style leading sign
      throw core::UsageError("design formula \"" + std::string(text) + "\" has an empty term");
    }
    if (term == "0" || (term == "1" && sg == '-')) {
      f.intercept = false;
      continue;
    }
    if (term == "1") continue;
    if (sg == '-') throw core::UsageError("design formula \"" + std::string(text) + "\": removing term '" + term + "' is not supported");
    if (!is_identifier(term))
      throw core::UsageError("design formula \"" + std::string(text) + "\": '" + term + "' is not a column name");
    if (std::find(f.terms.begin(), f.terms.end(), term) != f.terms.end())
      throw core::UsageError("design formula \"" + std::string(text) + "\" names '" + term + "' twice");
    f.terms.push_back(term);
  }
  if (f.terms.empty() && !f.intercept) throw core::UsageError("design formula \"" + std::string(text) + "\" has no terms");
  return f;
}

std::string to_string(const Formula& f) {
  std::string out = "~ ";
  if (!f.intercept) out += "0";
  for (std::size_t i = 0; i < f.terms.size(); ++i) {
    if (i > 0 || !f.intercept) out += " + ";
    out += f.terms[i];
  }
  if (f.terms.empty() && f.intercept) out += "1";
  return out;
}

Variable Variable::factor(std::string name, const std::vector<std::string>& cells) {
  Variable v;
  v.name = std::move(name);
  v.is_factor = true;
  std::set<std::string> uniq(cells.begin(), cells.end());
  v.levels.assign(uniq.begin(), uniq.end());
  v.codes.reserve(cells.size());
  for (const auto& c : cells)
    v.codes.push_back(static_cast<int>(std::lower_bound(v.levels.begin(), v.levels.end(), c) - v.levels.begin()));
  return v;
}

Variable Variable::numeric(std::string name, const std::vector<double>& values) {
  Variable v;
  v.name = std::move(name);
  v.is_factor = false;
  v.values = values;
  return v;
}

Design build_design(const Formula& formula, const std::vector<Variable>& variables) {
  std::size_t n = 0;
  if (!variables.empty()) n = variables[0].is_factor ? variables[0].codes.size() : variables[0].values.size();
  std::vector<Eigen::VectorXd> cols;
  Design d;
  if (formula.intercept) {
    cols.push_back(Eigen::VectorXd::Ones(static_cast<Eigen::Index>(n)));
    d.columns.push_back("(Intercept)");
    d.term_of_column.push_back(-1);
  }
  bool full_dummy_used = formula.intercept;
  for (std::size_t t = 0; t < formula.terms.size(); ++t) {
    const Variable* v = find_variable(variables, formula.terms[t]);
    if (v == nullptr)
      throw core::UsageError("design term '" + formula.terms[t] + "' is not a column of the sample sheet");
    if (v->is_factor) {
      const std::size_t first = full_dummy_used ? 1 : 0;
      full_dummy_used = true;
      for (std::size_t l = first; l < v->levels.size(); ++l) {
        Eigen::VectorXd c(static_cast<Eigen::Index>(n));
        for (std::size_t i = 0; i < n; ++i) c[static_cast<Eigen::Index>(i)] = v->codes[i] == static_cast<int>(l) ? 1.0 : 0.0;
        cols.push_back(std::move(c));
        d.columns.push_back(v->name + v->levels[l]);
        d.term_of_column.push_back(static_cast<int>(t));
      }
    } else {
      Eigen::VectorXd c(static_cast<Eigen::Index>(n));
      for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(v->values[i]))
          throw core::UsageError("covariate '" + v->name + "' is missing for sample " + std::to_string(i + 1) +
                                 ": every sample needs a value for a numeric design term");
        c[static_cast<Eigen::Index>(i)] = v->values[i];
      }
      cols.push_back(std::move(c));
      d.columns.push_back(v->name);
      d.term_of_column.push_back(static_cast<int>(t));
    }
  }
  d.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) d.x.col(static_cast<Eigen::Index>(j)) = cols[j];
  return d;
}

std::vector<int> dependent_columns(const Eigen::MatrixXd& x, double tol) {
  const PivotedQr q = pivoted_qr(x, tol);
  return std::vector<int>(q.pivot.begin() + q.rank, q.pivot.end());
}

void check_design(const Design& design, const Formula& formula, const std::vector<Variable>& variables, const std::string& option) {
  const Eigen::Index n = design.x.rows(), p = design.x.cols();
  for (const auto& term : formula.terms) {
    const Variable* v = find_variable(variables, term);
    if (v != nullptr && v->is_factor && v->levels.size() < 2 && formula.intercept)
      throw core::UsageError("design term '" + term + "' has a single level (\"" + (v->levels.empty() ? "" : v->levels[0]) +
                             "\"): it cannot be estimated; remove it from " + option);
    if (v != nullptr && !v->is_factor) {
      const double first = v->values.empty() ? 0.0 : v->values[0];
      if (std::all_of(v->values.begin(), v->values.end(), [&](double x) { return x == first; }) && formula.intercept)
        throw core::UsageError("covariate '" + term + "' has the same value for every sample: it cannot be estimated");
    }
  }
  const auto dep = dependent_columns(design.x);
  if (!dep.empty()) {
    // Explain the first dependent column: regress it on the independent columns and name the
    // terms with non-negligible coefficients.
    const int j = dep.front();
    std::vector<int> indep;
    for (int c = 0; c < static_cast<int>(p); ++c)
      if (std::find(dep.begin(), dep.end(), c) == dep.end()) indep.push_back(c);
    Eigen::MatrixXd a(n, static_cast<Eigen::Index>(indep.size()));
    for (std::size_t k = 0; k < indep.size(); ++k) a.col(static_cast<Eigen::Index>(k)) = design.x.col(indep[k]);
    const Eigen::VectorXd beta = a.colPivHouseholderQr().solve(design.x.col(j));
    std::set<std::string> involved;
    for (std::size_t k = 0; k < indep.size(); ++k) {
      if (std::fabs(beta[static_cast<Eigen::Index>(k)]) < 1e-8) continue;
      const int t = design.term_of_column[static_cast<std::size_t>(indep[k])];
      if (t >= 0) involved.insert(formula.terms[static_cast<std::size_t>(t)]);
    }
    const int tj = design.term_of_column[static_cast<std::size_t>(j)];
    const std::string term = tj >= 0 ? formula.terms[static_cast<std::size_t>(tj)] : "(Intercept)";
    involved.erase(term);
    std::string others;
    for (const auto& s : involved) others += (others.empty() ? "" : ", ") + s;
    std::string msg = "the design " + to_string(formula) + " is not of full rank: column '" +
                      design.columns[static_cast<std::size_t>(j)] + "' (" + term + ")";
    if (others.empty())
      msg += " is a combination of the other columns of its own term (a level with no samples?)";
    else
      msg += " is a combination of " + others + " columns: " + term + " is confounded with " + others;
    msg += "; " + std::to_string(dep.size()) + " column(s) cannot be estimated. Remove the confounded term from " + option;
    throw core::UsageError(msg);
  }
  if (n <= p)
    throw core::UsageError("the design " + to_string(formula) + " has " + std::to_string(p) + " columns for " +
                           std::to_string(n) + " samples: no residual degrees of freedom are left");
}

LinearModel make_linear_model(const Design& design, const Formula& formula, const std::vector<Variable>& variables,
                              std::string_view absorb) {
  LinearModel m;
  int absorb_term = -1;
  for (std::size_t t = 0; t < formula.terms.size(); ++t)
    if (formula.terms[t] == absorb) absorb_term = static_cast<int>(t);
  const Variable* av = absorb_term >= 0 ? find_variable(variables, absorb) : nullptr;
  if (!formula.intercept || av == nullptr || !av->is_factor) {
    m.z = design.x;
    m.names = design.columns;
    return m;
  }
  m.absorbed = std::string(absorb);
  m.groups = av->codes;
  m.n_groups = static_cast<int>(av->levels.size());
  std::vector<int> keep;
  for (std::size_t j = 0; j < design.columns.size(); ++j) {
    const int t = design.term_of_column[j];
    if (t == -1 || t == absorb_term) continue;
    keep.push_back(static_cast<int>(j));
  }
  m.z.resize(design.x.rows(), static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) {
    m.z.col(static_cast<Eigen::Index>(k)) = design.x.col(keep[k]);
    m.names.push_back(design.columns[static_cast<std::size_t>(keep[k])]);
  }
  return m;
}

Eigen::VectorXd level_contrast(const LinearModel& model, const Variable& factor, std::string_view level_a,
                               std::string_view level_b) {
  auto known = [&]() {
    std::string s;
    for (const auto& l : factor.levels) s += (s.empty() ? "" : ", ") + l;
    return s;
  };
  for (auto lv : {level_a, level_b})
    if (std::find(factor.levels.begin(), factor.levels.end(), lv) == factor.levels.end())
      throw core::UsageError("contrast names '" + std::string(lv) + "', which is not a level of " + factor.name +
                             " (known: " + known() + ")");
  if (level_a == level_b) throw core::UsageError("contrast compares '" + std::string(level_a) + "' with itself");
  Eigen::VectorXd c = Eigen::VectorXd::Zero(model.z.cols());
  auto column_of = [&](std::string_view lv) -> Eigen::Index {
    const std::string name = factor.name + std::string(lv);
    for (std::size_t j = 0; j < model.names.size(); ++j)
      if (model.names[j] == name) return static_cast<Eigen::Index>(j);
    return -1;
  };
  const Eigen::Index ja = column_of(level_a), jb = column_of(level_b);
  bool in_model = false;
  for (const auto& l : factor.levels) in_model = in_model || column_of(l) >= 0;
  if (!in_model)
    throw core::UsageError("factor " + factor.name + " is not a term of the design, so '" + std::string(level_a) + "-" +
                           std::string(level_b) + "' cannot be estimated");
  if (ja >= 0) c[ja] += 1.0;
  if (jb >= 0) c[jb] -= 1.0;
  return c;
}

namespace {
std::string safe_file_part(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back((std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_');
  return out;
}
}  // namespace

std::string contrast_tag(const std::string& a, const std::string& b) { return safe_file_part(a) + "_vs_" + safe_file_part(b); }

LevelContrast split_contrast(const std::string& text, const std::vector<std::string>& sorted_levels,
                                  const std::string& factor) {
  std::vector<LevelContrast> found;
  for (std::size_t pos = text.find('-'); pos != std::string::npos; pos = text.find('-', pos + 1)) {
    const std::string a = text.substr(0, pos), b = text.substr(pos + 1);
    if (std::binary_search(sorted_levels.begin(), sorted_levels.end(), a) &&
        std::binary_search(sorted_levels.begin(), sorted_levels.end(), b))
      found.push_back({a, b, contrast_tag(a, b)});
  }
  std::string known;
  for (const auto& l : sorted_levels) known += (known.empty() ? "" : ", ") + l;
  if (found.empty())
    throw core::UsageError("--contrast " + text + ": expected two " + factor + " levels as A-B (known levels: " + known + ")");
  if (found.size() > 1) throw core::UsageError("--contrast " + text + " can be split into levels in more than one way");
  if (found[0].a == found[0].b) throw core::UsageError("--contrast " + text + " compares a level with itself");
  return found[0];
}

namespace {

/// A linear form: constant + sum of weights x levels.
struct Linear {
  double constant = 0.0;
  std::vector<double> w;
  bool has_levels() const {
    for (double x : w)
      if (x != 0.0) return true;
    return false;
  }
};

/// Recursive-descent parser of a contrast expression over factor levels.
class ContrastParser {
 public:
  ContrastParser(const std::string& full, const std::string& expr, const std::vector<std::string>& levels, const std::string& factor)
      : full_(full), s_(expr), levels_(levels), factor_(factor) {}

  Linear parse() {
    Linear v = sum();
    skip();
    if (pos_ < s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw core::UsageError("--contrast " + full_ + ": " + what + " at character " + std::to_string(pos_ + 1) +
                           " of the expression (expected NAME=expression of " + factor_ + " levels, e.g. LSC-(HSC+LPC)/2)");
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Linear sum() {
    Linear v = product();
    for (;;) {
      if (eat('+')) add(v, product(), 1.0);
      else if (eat('-')) add(v, product(), -1.0);
      else return v;
    }
  }
  static void add(Linear& a, const Linear& b, double sign) {
    a.constant += sign * b.constant;
    for (std::size_t i = 0; i < a.w.size(); ++i) a.w[i] += sign * b.w[i];
  }
  static void scale(Linear& a, double f) {
    a.constant *= f;
    for (double& x : a.w) x *= f;
  }
  Linear product() {
    Linear v = unary();
    for (;;) {
      if (eat('*')) {
        Linear r = unary();
        if (v.has_levels() && r.has_levels()) fail("a product of two levels is not a linear contrast");
        if (v.has_levels()) scale(v, r.constant);
        else {
          scale(r, v.constant);
          v = r;
        }
      } else if (eat('/')) {
        const Linear r = unary();
        if (r.has_levels()) fail("division by a level is not a linear contrast");
        if (r.constant == 0.0) fail("division by zero");
        scale(v, 1.0 / r.constant);
      } else {
        return v;
      }
    }
  }
  Linear unary() {
    if (eat('-')) {
      Linear v = unary();
      scale(v, -1.0);
      return v;
    }
    if (eat('+')) return unary();
    return atom();
  }
  Linear atom() {
    Linear v;
    v.w.assign(levels_.size(), 0.0);
    if (eat('(')) {
      v = sum();
      if (!eat(')')) fail("missing ')'");
      return v;
    }
    skip();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && std::string_view("+-*/() \t").find(s_[pos_]) == std::string_view::npos) ++pos_;
    if (pos_ == start) fail(pos_ < s_.size() ? "unexpected '" + std::string(1, s_[pos_]) + "'" : "missing term");
    const std::string tok = s_.substr(start, pos_ - start);
    const auto it = std::find(levels_.begin(), levels_.end(), tok);
    if (it != levels_.end()) {
      v.w[static_cast<std::size_t>(it - levels_.begin())] = 1.0;
      return v;
    }
    char* end = nullptr;
    const double x = std::strtod(tok.c_str(), &end);
    if (end != tok.c_str() + tok.size() || !std::isfinite(x)) {
      std::string known;
      for (const auto& l : levels_) known += (known.empty() ? "" : ", ") + l;
      throw core::UsageError("--contrast " + full_ + ": '" + tok + "' is not a level of " + factor_ + " (known: " + known + ")");
    }
    v.constant = x;
    return v;
  }

  const std::string& full_;
  std::string s_;
  const std::vector<std::string>& levels_;
  const std::string& factor_;
  std::size_t pos_ = 0;
};

}  // namespace

LinearContrast parse_linear_contrast(const std::string& text, const std::vector<std::string>& levels, const std::string& factor) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos) throw core::UsageError("--contrast " + text + ": expected NAME=expression");
  LinearContrast c;
  c.name = text.substr(0, eq);
  c.expression = text.substr(eq + 1);
  while (!c.name.empty() && std::isspace(static_cast<unsigned char>(c.name.back()))) c.name.pop_back();
  while (!c.name.empty() && std::isspace(static_cast<unsigned char>(c.name.front()))) c.name.erase(c.name.begin());
  if (c.name.empty() || safe_file_part(c.name) != c.name)
    throw core::UsageError("--contrast " + text + ": the name before '=' must be letters, digits, '.', '_' or '-' (it names de_NAME.tsv)");
  const Linear v = ContrastParser(text, c.expression, levels, factor).parse();
  if (v.constant != 0.0) throw core::UsageError("--contrast " + text + ": a constant term is not a contrast of " + factor + " levels");
  if (!v.has_levels()) throw core::UsageError("--contrast " + text + ": the contrast is zero");
  double total = 0.0, scale = 0.0;
  for (double x : v.w) {
    total += x;
    scale += std::abs(x);
  }
  if (std::abs(total) > 1e-12 * scale)
    throw core::UsageError("--contrast " + text + ": not estimable: the weights of the " + factor + " levels sum to " +
                           std::to_string(total) + ", not 0 (a contrast must compare levels, e.g. A-(B+C)/2)");
  c.weights = v.w;
  return c;
}

Eigen::VectorXd linear_contrast(const LinearModel& model, const Variable& factor, const LinearContrast& contrast) {
  // With weights summing to zero, sum_l w_l e_l = sum_{l != ref} w_l (e_l - e_ref) for any ref.
  Eigen::VectorXd c = Eigen::VectorXd::Zero(model.z.cols());
  const std::string& ref = factor.levels.front();
  bool any = false;
  for (std::size_t l = 1; l < factor.levels.size(); ++l) {
    if (contrast.weights[l] == 0.0) continue;
    c += contrast.weights[l] * level_contrast(model, factor, factor.levels[l], ref);
    any = true;
  }
  core::ensure(any, "linear_contrast: no non-reference weight");
  return c;
}

}  // namespace lscmir::stats
