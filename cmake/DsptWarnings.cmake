# Every project target links dspt_warnings; third-party headers are included as
# system headers, so their warnings never fail our build.
add_library(dspt_warnings INTERFACE)
target_compile_options(dspt_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wformat=2)
if(DSPT_WERROR)
  target_compile_options(dspt_warnings INTERFACE -Werror)
endif()
