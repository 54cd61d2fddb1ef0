/*
 * filestream — built-in FileStreamSourceConnector / FileStreamSinkConnector.
 * The worker calls filestream_plugin_init once at start-up, exactly as it
 * calls a loaded plugin's connectd_plugin_init: it keeps `host` and
 * registers both descriptors in `reg`. Returns 0 or -1.
 */
#ifndef CONNECTD_FILESTREAM_H
#define CONNECTD_FILESTREAM_H

#include "connect/plugin.h"

int filestream_plugin_init(const connectd_host_t *host,
                           connectd_registry_t *reg);

#endif
