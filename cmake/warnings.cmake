# Warnings as an interface target, linked by every project target.
add_library(lscmir_warnings INTERFACE)
target_compile_options(lscmir_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
  -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(LSCMIR_WERROR)
  target_compile_options(lscmir_warnings INTERFACE -Werror)
endif()
if(LSCMIR_SANITIZE)
  target_compile_options(lscmir_warnings INTERFACE -fsanitize=${LSCMIR_SANITIZE} -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  target_link_options(lscmir_warnings INTERFACE -fsanitize=${LSCMIR_SANITIZE})
endif()
