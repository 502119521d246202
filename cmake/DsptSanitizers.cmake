# DSPT_SANITIZE builds every target, tests included, with ASan and UBSan.
# Any report aborts the process, so ctest sees it as a failure.
if(DSPT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
