# DSPT_SANITIZE builds every target, tests included, with ASan and UBSan.
# Any report aborts the process, so ctest sees it as a failure.
#
# Its executables are linked as fixed-address (-no-pie): an instrumented
# position-independent `dspt` spends about 40 % of a short command's time
# applying its relocations at start, and the integration tests start
# thousands of such processes. This build is for tests only; the Release
# build keeps position-independent executables.
#
# Global variables are not instrumented (GCC's --param asan-globals=0, clang's
# -mllvm -asan-globals=0):
# heap, stack and use-after-free checks and every UBSan check stay, but an
# overflow of a global array goes unseen. Instrumented globals quadruple the
# executables' data (string literals with their redzones, 54 MB for `dspt`),
# which every process registers at start and LeakSanitizer scans at exit: a
# short `dspt` command took 0.28 s with them and 0.18 s without, and the
# integration tests start thousands.
#
# Stack use after return is not checked, as GCC does not by default: clang 16
# checks it by default, with a fake stack for every frame, which made the
# sanitizer build's test run over a third longer (an export suite's commands took
# 11.6 s of CPU with it and 8.8 s without).
if(DSPT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer
                      $<$<CXX_COMPILER_ID:GNU>:--param=asan-globals=0>
                      "$<$<CXX_COMPILER_ID:Clang>:SHELL:-mllvm -asan-globals=0>"
                      $<$<CXX_COMPILER_ID:Clang>:-fsanitize-address-use-after-return=never>)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                   $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>)
endif()
