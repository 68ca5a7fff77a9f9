option(LSCMIR_BUILD_TESTS "Build the unit and CLI tests" ON)
option(LSCMIR_BUILD_BENCH "Build the micro benchmarks" OFF)
option(LSCMIR_WERROR "Treat warnings as errors" OFF)
set(LSCMIR_SANITIZE "" CACHE STRING "Sanitizers to enable, e.g. address,undefined")
