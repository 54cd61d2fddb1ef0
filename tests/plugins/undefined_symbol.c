/* References a function nothing defines. It links (shared objects may have
 * undefined symbols) but dlopen(RTLD_NOW) must fail with "undefined symbol:
 * connectd_test_no_such_function", logged and skipped. */
#include "connect/plugin.h"

extern int connectd_test_no_such_function(void);

int connectd_plugin_init(const connectd_host_t *h, connectd_registry_t *reg)
{
        (void)h;
        (void)reg;
        return connectd_test_no_such_function();
}
