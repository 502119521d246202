# Every project target links dspt_warnings; third-party headers are included as
# system headers, so their warnings never fail our build.
add_library(dspt_warnings INTERFACE)
target_compile_options(dspt_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wformat=2)
if(DSPT_WERROR)
  target_compile_options(dspt_warnings INTERFACE -Werror)
endif()

# Sources with Asio coroutines (co_await). g++ 12 with optimisation reports
# -Wmismatched-new-delete for the coroutine frames, whose operator new and
# operator delete are Asio's own matching pair (awaitable_frame_base): a false
# positive, silenced for these files only.
#   dspt_asio_coroutine_sources(TARGET file...)
function(dspt_asio_coroutine_sources target)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target}
      PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
  endif()
endfunction()
