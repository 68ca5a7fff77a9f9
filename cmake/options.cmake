option(LSCMIR_BUILD_TESTS "Build the unit and CLI tests" ON)
option(LSCMIR_BUILD_BENCH "Build the micro benchmarks" OFF)
option(LSCMIR_WERROR "Treat warnings as errors" OFF)
set(LSCMIR_SANITIZE "" CACHE STRING "Sanitizers to enable, e.g. address,undefined")
# libFuzzer harnesses of the parsers (tests/fuzz, scripts/fuzz.sh): clang only, in a build folder of
# their own, since every target is then compiled with -fsanitize=fuzzer-no-link,address,undefined.
option(LSCMIR_FUZZ "Build the libFuzzer parser harnesses (clang; a separate build folder)" OFF)
