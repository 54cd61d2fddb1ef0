/* A shared object without the connectd_plugin_init entry point (e.g. a
 * stray library in plugin.path): must be skipped with a clear reason. */
int connectd_plugin_init_typo(void);

int connectd_plugin_init_typo(void)
{
        return 0;
}
