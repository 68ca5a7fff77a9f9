// SPDX-License-Identifier: GPL-3.0-or-later
// The minified Vega, Vega-Lite and vega-embed builds, embedded with the assembler's .incbin so the
// binary writes reports without any file or network access at run time.
#include "assets.hpp"

#include "lscmir/core/incbin.hpp"

LSCMIR_INCBIN(lscmir_vega_js, LSCMIR_VEGA_JS)
LSCMIR_INCBIN(lscmir_vega_lite_js, LSCMIR_VEGA_LITE_JS)
LSCMIR_INCBIN(lscmir_vega_embed_js, LSCMIR_VEGA_EMBED_JS)

namespace lscmir::report::detail {

std::string_view vega_js() { return {lscmir_vega_js_begin, static_cast<std::size_t>(lscmir_vega_js_end - lscmir_vega_js_begin)}; }
std::string_view vega_lite_js() {
  return {lscmir_vega_lite_js_begin, static_cast<std::size_t>(lscmir_vega_lite_js_end - lscmir_vega_lite_js_begin)};
}
std::string_view vega_embed_js() {
  return {lscmir_vega_embed_js_begin, static_cast<std::size_t>(lscmir_vega_embed_js_end - lscmir_vega_embed_js_begin)};
}

}  // namespace lscmir::report::detail
