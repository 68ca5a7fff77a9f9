// SPDX-License-Identifier: GPL-3.0-or-later
// Embeds a file into the binary with the assembler's .incbin: NAME_begin .. NAME_end (a 0 byte
// follows). `path` must be a string literal (a compile definition holding an absolute path).
#pragma once

#define LSCMIR_INCBIN(name, path)                                                              \
  __asm__(".section .rodata\n.global " #name "_begin\n.balign 16\n" #name "_begin:\n.incbin \"" path \
          "\"\n.global " #name "_end\n" #name "_end:\n.byte 0\n.previous\n");                     \
  extern "C" const char name##_begin[];                                                         \
  extern "C" const char name##_end[];
