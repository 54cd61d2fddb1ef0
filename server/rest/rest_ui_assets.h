/*
 * rest_ui_assets — the console's files as the build generated them from
 * ui/ (cmake/embed_ui.cmake): a table ending with a NULL path.
 */
#ifndef CONNECTD_REST_UI_ASSETS_H
#define CONNECTD_REST_UI_ASSETS_H

#include <stddef.h>

typedef struct ui_asset {
        const char *path;          /* "/index.html", below /ui */
        const char *content_type;
        const char *etag;          /* quoted, strong */
        const unsigned char *data; /* NUL-terminated past len */
        size_t len;
} ui_asset_t;

extern const ui_asset_t ui_assets[];

#endif
