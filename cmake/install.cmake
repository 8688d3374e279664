# Installing rnnlab (`cmake --install build --prefix PREFIX`) and packaging it (`cpack -G DEB` in
# the build folder). The layout is fixed because the program finds its data relative to itself
# (app/host/files.h: <bin>/../share/rnnlab), so an installed tree can be moved as a whole:
#   bin/rnnlab
#   share/rnnlab/lessons/*.lesson, share/rnnlab/assets/colormaps/*.txt
#   share/applications/rnnlab.desktop, share/icons/hicolor/{scalable,NxN}/apps/rnnlab.{svg,png}
#   share/man/man1/rnnlab.1.gz (made from `rnnlab --help` at build time: tools/man_page.sh)
#   share/doc/rnnlab/README.md, LICENSE, copyright, changelog.gz
# The .deb also needs: dpkg-dev (dpkg-shlibdeps derives Depends) and file (tools/setup.sh).

# ---- the man page: the text of `rnnlab --help` and of every `rnnlab COMMAND --help`
set(RNNLAB_MAN ${CMAKE_BINARY_DIR}/rnnlab.1)
add_custom_command(
  OUTPUT ${RNNLAB_MAN} ${RNNLAB_MAN}.gz
  COMMAND ${CMAKE_COMMAND} -E env SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
          bash ${CMAKE_SOURCE_DIR}/tools/man_page.sh $<TARGET_FILE:rnnlab> ${RNNLAB_MAN}
  COMMAND gzip -9 -n -c ${RNNLAB_MAN} > ${RNNLAB_MAN}.gz
  DEPENDS rnnlab ${CMAKE_SOURCE_DIR}/tools/man_page.sh
  COMMENT "rnnlab.1 from rnnlab --help")
add_custom_target(rnnlab_man ALL DEPENDS ${RNNLAB_MAN}.gz)

# ---- icons: the hand-drawn SVG, and PNGs rendered from it for the sizes menus ask for
set(RNNLAB_ICON_SVG ${CMAKE_SOURCE_DIR}/assets/icons/rnnlab.svg)
set(RNNLAB_ICON_SIZES 16 24 32 48 64 128 256)
find_program(RSVG_CONVERT rsvg-convert)
set(RNNLAB_ICON_PNGS)
if(RSVG_CONVERT)
  foreach(size ${RNNLAB_ICON_SIZES})
    set(png ${CMAKE_BINARY_DIR}/icons/${size}x${size}/rnnlab.png)
    add_custom_command(OUTPUT ${png}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/icons/${size}x${size}
      COMMAND ${RSVG_CONVERT} -w ${size} -h ${size} -o ${png} ${RNNLAB_ICON_SVG}
      DEPENDS ${RNNLAB_ICON_SVG} COMMENT "icon ${size}x${size}")
    list(APPEND RNNLAB_ICON_PNGS ${png})
    install(FILES ${png} DESTINATION share/icons/hicolor/${size}x${size}/apps)
  endforeach()
  add_custom_target(rnnlab_icons ALL DEPENDS ${RNNLAB_ICON_PNGS})
else()
  message(WARNING "rsvg-convert not found (Debian: librsvg2-bin, tools/setup.sh): installing the SVG icon only")
endif()

# ---- what is installed
install(TARGETS rnnlab RUNTIME DESTINATION bin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/lessons/ DESTINATION share/rnnlab/lessons FILES_MATCHING PATTERN "*.lesson")
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/ DESTINATION share/rnnlab/assets PATTERN icons EXCLUDE)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/rnnlab.desktop DESTINATION share/applications)
install(FILES ${RNNLAB_ICON_SVG} DESTINATION share/icons/hicolor/scalable/apps)
install(FILES ${RNNLAB_MAN}.gz DESTINATION share/man/man1)
# Debian's names for the licence and the history (lintian looks for exactly these; rnnlab is its
# own Debian packager, a "native" package, so the history is changelog.gz)
set(RNNLAB_CHANGELOG ${CMAKE_BINARY_DIR}/changelog.gz)
add_custom_command(OUTPUT ${RNNLAB_CHANGELOG}
  COMMAND gzip -9 -n -c ${CMAKE_SOURCE_DIR}/packaging/changelog > ${RNNLAB_CHANGELOG}
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/changelog)
add_custom_target(rnnlab_changelog ALL DEPENDS ${RNNLAB_CHANGELOG})
# copyright: LICENSE in Debian's machine-readable format (the same text, one source)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/LICENSE)
file(READ ${CMAKE_SOURCE_DIR}/LICENSE licence)
string(REGEX REPLACE "^MIT License\n\nCopyright \\(c\\) ([^\n]*)\n\n(.*[^\n])\n*$" "\\2" body "${licence}")
string(REGEX REPLACE "^MIT License\n\nCopyright \\(c\\) ([^\n]*)\n.*$" "\\1" holder "${licence}")
string(REPLACE "\n\n" "\n.\n" body "${body}")
string(REPLACE "\n" "\n " body "${body}")
file(WRITE ${CMAKE_BINARY_DIR}/copyright
  "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
  "Upstream-Name: rnnlab\n\nFiles: *\nCopyright: ${holder}\nLicense: Expat\n ${body}\n")
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_BINARY_DIR}/copyright
        ${RNNLAB_CHANGELOG} DESTINATION share/doc/rnnlab)

# ---- cpack -G DEB: rnnlab_VERSION_ARCH.deb
set(CPACK_PACKAGE_NAME rnnlab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "rnnlab authors")
set(CPACK_PACKAGE_CONTACT "rnnlab authors <rnnlab@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# the shared libraries' packages, found by dpkg-shlibdeps; the font is opened through fontconfig
# at run time (app/draw/gfx_sdl.c), so no library link shows it: named by hand
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Shows on a projector why a vanilla RNN forgets and an LSTM remembers: a vanilla
RNN and an LSTM train live side by side, with their gates, hidden states and
gradients drawn as they learn. Guided lessons step through language models,
backpropagation through time, vanishing gradients, LSTM, GRU, bidirectional
and stacked networks. A command line trains, inspects and benchmarks models
(RNN, LSTM and GRU with PyTorch's numerics) and exports figures for slides.")
include(CPack)
