# DSPT_SANITIZE builds every target, tests included, with ASan and UBSan.
# Any report aborts the process, so ctest sees it as a failure.
#
# Its executables are linked as fixed-address (-no-pie): an instrumented
# position-independent `dspt` spends about 40 % of a short command's time
# applying its relocations at start, and the integration tests start
# thousands of such processes. This build is for tests only; the Release
# build keeps position-independent executables.
if(DSPT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                   $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>)
endif()
