/*
 * datagen — the built-in MSK Data Generator compatible source connector
 * (connector.class=com.amazonaws.mskdatagen.GeneratorSourceConnector).
 *
 * The worker calls datagen_plugin_init() once at start-up, exactly as it
 * would call a plugin's connectd_plugin_init(); the connector is written
 * only against api/connect/plugin.h.
 */
#ifndef CONNECTD_DATAGEN_H
#define CONNECTD_DATAGEN_H

#include "connect/plugin.h"

#define DATAGEN_CLASS   "com.amazonaws.mskdatagen.GeneratorSourceConnector"
#define DATAGEN_VERSION "0.4.0"

/* Register the datagen descriptor. 0, or -1 (logged by the host). */
int datagen_plugin_init(const connectd_host_t *host, connectd_registry_t *reg);

#endif
