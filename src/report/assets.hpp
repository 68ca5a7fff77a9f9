// SPDX-License-Identifier: GPL-3.0-or-later
// Private: the JavaScript libraries inlined into every report (from node_modules, pinned by
// package-lock.json, embedded into the binary at build time).
#pragma once

#include <string_view>

namespace lscmir::report::detail {

std::string_view vega_js();
std::string_view vega_lite_js();
std::string_view vega_embed_js();

}  // namespace lscmir::report::detail
