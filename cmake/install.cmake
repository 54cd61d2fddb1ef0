# Install rules: `cmake --install <build> [--prefix <dir>]` gives
#   <prefix>/bin/connectd                          (top-level CMakeLists)
#   <prefix>/include/connectd/connect/plugin.h     the plugin ABI
#   <prefix>/share/pkgconfig/connectd-plugin.pc    Cflags: -I.../include/connectd
#   <prefix>/lib/connectd/plugins/*.so             the example plugins
#   <prefix>/share/doc/connectd/examples/plugins/  their sources
# so a plugin builds out of tree with
#   cc -shared -fPIC $(pkg-config --cflags connectd-plugin) -o x.so x.c
# The .pc file sits in share/ (it describes headers only, nothing
# architecture-specific) and locates the headers relative to itself, so the
# tree can be installed under any --prefix or moved afterwards.

# The ABI number goes into the .pc description, read from the header itself.
file(STRINGS ${CMAKE_SOURCE_DIR}/api/connect/plugin.h _abi_line
     REGEX "^#define CONNECTD_ABI_VERSION [0-9]+")
string(REGEX REPLACE ".* ([0-9]+)$" "\\1" CONNECTD_PLUGIN_ABI "${_abi_line}")

configure_file(${CMAKE_CURRENT_LIST_DIR}/connectd-plugin.pc.in
               ${CMAKE_BINARY_DIR}/connectd-plugin.pc @ONLY)

install(FILES ${CMAKE_SOURCE_DIR}/api/connect/plugin.h
        DESTINATION include/connectd/connect)
install(FILES ${CMAKE_BINARY_DIR}/connectd-plugin.pc
        DESTINATION share/pkgconfig)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/plugins/
        DESTINATION share/doc/connectd/examples/plugins
        FILES_MATCHING PATTERN "*.c" PATTERN "*.h" PATTERN "CMakeLists.txt"
        REGEX "examples/plugins/CMakeLists.txt$" EXCLUDE)
