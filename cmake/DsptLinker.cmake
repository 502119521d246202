# Links with mold when it is installed (deploy/install-deps.sh installs it):
# the test programs of the sanitizer build are large, and mold links them
# several times faster than the default linker. -DDSPT_MOLD=OFF keeps the
# default.
option(DSPT_MOLD "Link with mold when it is installed" ON)
if(DSPT_MOLD)
  find_program(DSPT_MOLD_PROGRAM mold)
  if(DSPT_MOLD_PROGRAM)
    include(CheckCXXSourceCompiles)
    set(CMAKE_REQUIRED_LINK_OPTIONS -fuse-ld=mold)
    check_cxx_source_compiles("int main() { return 0; }" DSPT_LINKS_WITH_MOLD)
    unset(CMAKE_REQUIRED_LINK_OPTIONS)
    if(DSPT_LINKS_WITH_MOLD)
      add_link_options(-fuse-ld=mold)
    endif()
  endif()
endif()
